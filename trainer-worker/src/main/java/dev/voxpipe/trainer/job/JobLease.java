package dev.voxpipe.trainer.job;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.NoSuchBlobException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Fencing for a training job, kept next to its checkpoints: each worker that takes the job
 * raises the epoch; a worker that finds a higher epoch than its own has been replaced and stops
 * before writing anything. Together with Kafka's partition ownership (a job's partition has one
 * owner at a time, and a worker cancels its job when the partition is revoked) no two workers
 * publish for the same job.
 */
final class JobLease {

    private final BlobStore blobs;
    private final String key;
    private final String workerId;
    private final int epoch;

    private JobLease(BlobStore blobs, String key, String workerId, int epoch) {
        this.blobs = blobs;
        this.key = key;
        this.workerId = workerId;
        this.epoch = epoch;
    }

    static String key(String jobId) {
        return "training/" + jobId + "/lease.properties";
    }

    /** Takes the job with an epoch above every earlier holder's (and above the job's own). */
    static JobLease acquire(BlobStore blobs, String jobId, int jobEpoch, String workerId) throws IOException {
        String key = key(jobId);
        int epoch = Math.max(jobEpoch, currentEpoch(blobs, key)) + 1;
        Properties p = new Properties();
        p.setProperty("epoch", Integer.toString(epoch));
        p.setProperty("worker", workerId);
        p.setProperty("since", Long.toString(System.currentTimeMillis()));
        var out = new java.io.StringWriter();
        p.store(out, "training job lease");
        blobs.putAt(key, new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)), "text/plain");
        return new JobLease(blobs, key, workerId, epoch);
    }

    private static int currentEpoch(BlobStore blobs, String key) throws IOException {
        try (InputStream in = blobs.open(key)) {
            Properties p = new Properties();
            p.load(in);
            return Integer.parseInt(p.getProperty("epoch", "0"));
        } catch (NoSuchBlobException e) {
            return 0;
        }
    }

    int epoch() {
        return epoch;
    }

    /** Whether a later worker took over; checked before every write the job makes. */
    boolean isFenced() throws IOException {
        return currentEpoch(blobs, key) > epoch;
    }

    String holder() {
        return workerId;
    }
}
