package dev.voxpipe.ingest.api;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.ingest.IngestSettings;
import dev.voxpipe.ingest.auth.ApiKeys;
import dev.voxpipe.ingest.erase.Eraser;
import dev.voxpipe.ingest.auth.TokenBucket;
import dev.voxpipe.ingest.kafka.EventPublisher;
import dev.voxpipe.ingest.metrics.IngestMetrics;
import dev.voxpipe.ingest.upload.UploadSlots;
import dev.voxpipe.ingest.views.Views;
import java.util.concurrent.ConcurrentMap;

/** What the HTTP verticles share: injected at deployment, never looked up globally. */
public record Services(IngestSettings settings, Views views, EventPublisher publisher, BlobStore blobs,
                       IngestMetrics metrics, ApiKeys apiKeys, ConcurrentMap<String, TokenBucket> buckets,
                       UploadSlots uploads, TrainingClaims trainingClaims, Eraser eraser, Idempotency idempotency) {}
