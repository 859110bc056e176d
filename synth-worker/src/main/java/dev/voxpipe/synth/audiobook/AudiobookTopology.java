package dev.voxpipe.synth.audiobook;

import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.fault.TransientFaultException;
import dev.voxpipe.core.messaging.DeadLetters;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.schemas.common.AudioFormat;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audiobook flow as one Kafka Streams topology:
 * <ul>
 *   <li>split: synthesis requests become ordered chunks keyed {@code requestId/index}, so the
 *   chunks of one book spread over every synth worker;</li>
 *   <li>assemble: chunk results (keyed by request) gather in a state store until every chunk is
 *   in, then the book is written in order with its pauses and chapters, and completed.</li>
 * </ul>
 * Under {@code exactly_once_v2} a crash of any instance mid-book neither loses nor repeats a
 * chunk: the store and the outputs commit together, and results are kept by chunk index.
 * Records that cannot be read go to the dead-letter topic with the reason. A transient fault (the
 * registry or the blob store is away while a request is read or split, or a book written) is retried
 * with bounded backoff and, when it lasts, thrown as {@link TransientFaultException}: the stream
 * thread is replaced and the record read again, so an outage never fails a book.
 */
public final class AudiobookTopology {

    public static final String ASSEMBLY_STORE = "audiobook-assembly";

    /**
     * The assembler's watchdog: a book with no new chunk result for {@code stallDeadline} (a chunk that
     * was dead-lettered, a result lost to a bug) is completed as failed with the missing chunks named;
     * the marker of a finished book is deleted {@code markerTtl} after it finished, so the store holds
     * only books in flight and recent ones.
     */
    public record Watchdog(java.time.Duration stallDeadline, java.time.Duration markerTtl) {
        public Watchdog {
            if (stallDeadline.isNegative() || stallDeadline.isZero() || markerTtl.isNegative() || markerTtl.isZero()) {
                throw new IllegalArgumentException("the audiobook watchdog needs positive durations");
            }
        }

        public static Watchdog defaults() {
            return new Watchdog(java.time.Duration.ofMinutes(30), java.time.Duration.ofDays(2));
        }

        /** How often the store is swept: a quarter of the shorter duration, between 1 s and 1 min. */
        java.time.Duration sweepEvery() {
            long ms = Math.min(stallDeadline.toMillis(), markerTtl.toMillis()) / 4;
            return java.time.Duration.ofMillis(Math.max(1000, Math.min(60_000, ms)));
        }
    }
    private static final Logger log = LoggerFactory.getLogger(AudiobookTopology.class);

    private AudiobookTopology() {}

    public static void build(StreamsBuilder builder, SchemaRegistryClient registry, RequestSplitter splitter,
                             BookWriter writer) {
        build(builder, registry, splitter, writer, new Retry("audiobook", Retry.Policy.defaults(), null), Watchdog.defaults());
    }

    public static void build(StreamsBuilder builder, SchemaRegistryClient registry, RequestSplitter splitter,
                             BookWriter writer, Retry retry) {
        build(builder, registry, splitter, writer, retry, Watchdog.defaults());
    }

    public static void build(StreamsBuilder builder, SchemaRegistryClient registry, RequestSplitter splitter,
                             BookWriter writer, Retry retry, Watchdog watchdog) {
        AvroWireSerde<SynthesisRequest> requests = AvroWireSerde.of(registry, SynthesisRequest.class);
        AvroWireSerde<SynthesisChunkResult> results = AvroWireSerde.of(registry, SynthesisChunkResult.class);

        KStream<String, SpecificRecord> split = builder
                .stream(Topics.SYNTHESIS_REQUESTS, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new SplitProcessor(requests.deserializer(), splitter, retry));
        route(split, registry);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ASSEMBLY_STORE),
                Serdes.String(), AssemblyState.serde()));
        KStream<String, SpecificRecord> assembled = builder
                .stream(Topics.SYNTHESIS_CHUNK_RESULTS, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new AssembleProcessor(results.deserializer(), writer, retry, watchdog), ASSEMBLY_STORE);
        route(assembled, registry);
    }

    /** Sends each output to its topic by type. */
    private static void route(KStream<String, SpecificRecord> out, SchemaRegistryClient registry) {
        out.filter((k, v) -> v instanceof SynthesisChunk).mapValues(v -> (SynthesisChunk) v)
                .to(Topics.SYNTHESIS_CHUNKS, Produced.with(Serdes.String(), AvroWireSerde.of(registry, SynthesisChunk.class)));
        out.filter((k, v) -> v instanceof SynthesisCompleted).mapValues(v -> (SynthesisCompleted) v)
                .to(Topics.SYNTHESIS_COMPLETED, Produced.with(Serdes.String(), AvroWireSerde.of(registry, SynthesisCompleted.class)));
        out.filter((k, v) -> v instanceof DeadLetter).mapValues(v -> (DeadLetter) v)
                .to(Topics.DEAD_LETTERS, Produced.with(Serdes.String(), AvroWireSerde.of(registry, DeadLetter.class)));
    }

    static DeadLetter deadLetter(ProcessorContext<?, ?> context, Record<String, byte[]> record, Exception error) {
        return DeadLetters.of("audiobook", context.recordMetadata(), "unknown", record, error);
    }

    static SynthesisCompleted failed(String requestId, String tenantId, String voiceId, AudioFormat format,
                                     int chunkCount, String why) {
        return SynthesisCompleted.newBuilder()
                .setRequestId(requestId).setTenantId(tenantId).setVoiceId(voiceId)
                .setSucceeded(false).setFormat(format).setChunkCount(chunkCount)
                .setError(why).setEventTime(Instant.now()).build();
    }

    static final class SplitProcessor implements Processor<String, byte[], String, SpecificRecord> {
        private final Deserializer<SynthesisRequest> requests;
        private final RequestSplitter splitter;
        private final Retry retry;
        private ProcessorContext<String, SpecificRecord> context;

        SplitProcessor(Deserializer<SynthesisRequest> requests, RequestSplitter splitter, Retry retry) {
            this.requests = requests;
            this.splitter = splitter;
            this.retry = retry;
        }

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            SynthesisRequest request;
            try {
                request = retry.call("reading a synthesis request", () -> requests.deserialize(Topics.SYNTHESIS_REQUESTS, record.value()));
                if (request == null) throw new IllegalArgumentException("synthesis request record has no value");
            } catch (TransientFaultException e) {
                throw e;
            } catch (Exception e) {
                context.forward(record.withValue((SpecificRecord) deadLetter(context, record, e)));
                return;
            }
            List<SynthesisChunk> chunks;
            try {
                SynthesisRequest read = request;
                chunks = retry.call("splitting request " + request.getRequestId(), () -> splitter.split(read));
            } catch (TransientFaultException e) {
                throw e; // the request is fine; the store is away
            } catch (Exception e) {
                log.info("request {} cannot be split: {}", request.getRequestId(), DeadLetters.reason(e));
                context.forward(record.withKey(request.getRequestId()).withValue(failed(request.getRequestId(),
                        request.getTenantId(), request.getVoiceId(), request.getFormat(), 0,
                        "the text cannot be split into speakable chunks: " + DeadLetters.reason(e))));
                return;
            }
            for (SynthesisChunk chunk : chunks) {
                context.forward(record.withKey(RequestSplitter.chunkKey(chunk.getRequestId(), chunk.getChunkIndex()))
                        .withValue(chunk));
            }
        }
    }

    static final class AssembleProcessor implements Processor<String, byte[], String, SpecificRecord> {
        private final Deserializer<SynthesisChunkResult> results;
        private final BookWriter writer;
        private final Retry retry;
        private final Watchdog watchdog;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, AssemblyState> store;

        AssembleProcessor(Deserializer<SynthesisChunkResult> results, BookWriter writer, Retry retry, Watchdog watchdog) {
            this.results = results;
            this.writer = writer;
            this.retry = retry;
            this.watchdog = watchdog;
        }

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.store = context.getStateStore(ASSEMBLY_STORE);
            context.schedule(watchdog.sweepEvery(), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, this::sweep);
        }

        /** Fails books that stalled past the deadline (saying which chunks are missing) and deletes expired markers. */
        void sweep(long now) {
            java.util.List<org.apache.kafka.streams.KeyValue<String, AssemblyState>> due = new java.util.ArrayList<>();
            try (var it = store.all()) {
                while (it.hasNext()) {
                    var entry = it.next();
                    AssemblyState s = entry.value;
                    boolean stamp = s.updatedAt() == 0 || (s.completed() && s.completedAt() == 0); // written before the watchdog
                    boolean expired = s.completed() && s.completedAt() > 0 && now - s.completedAt() > watchdog.markerTtl().toMillis();
                    boolean stalled = !s.completed() && s.updatedAt() > 0 && now - s.updatedAt() > watchdog.stallDeadline().toMillis();
                    if (stamp || expired || stalled) due.add(org.apache.kafka.streams.KeyValue.pair(entry.key, s));
                }
            }
            for (var entry : due) {
                AssemblyState s = entry.value;
                if (s.updatedAt() == 0 || (s.completed() && s.completedAt() == 0)) {
                    store.put(entry.key, s.touched(now));
                } else if (s.completed()) {
                    store.delete(entry.key);
                } else {
                    String why = String.format("no chunk result for %d min: %d of %d chunks done, missing %s; failed by the watchdog",
                            watchdog.stallDeadline().toMinutes(), s.parts().size(), s.chunkCount(), s.missing(10));
                    log.warn("book {} stalled: {}", s.requestId(), why);
                    SynthesisCompleted failed = failed(s.requestId(), s.tenantId(), s.voiceId(), AudioFormat.valueOf(s.format()),
                            s.chunkCount(), why);
                    context.forward(new Record<>(s.requestId(), (SpecificRecord) failed, now));
                    store.put(entry.key, s.markCompleted());
                }
            }
        }

        @Override
        public void process(Record<String, byte[]> record) {
            SynthesisChunkResult result;
            try {
                result = retry.call("reading a chunk result", () -> results.deserialize(Topics.SYNTHESIS_CHUNK_RESULTS, record.value()));
                if (result == null) throw new IllegalArgumentException("chunk result record has no value");
            } catch (TransientFaultException e) {
                throw e;
            } catch (Exception e) {
                context.forward(record.withValue((SpecificRecord) deadLetter(context, record, e)));
                return;
            }
            String requestId = result.getRequestId();
            AssemblyState state = store.get(requestId);
            if (state == null) state = AssemblyState.start(result);
            if (state.completed()) return; // a late duplicate of a finished book
            state = state.with(result);
            AudioFormat format = AudioFormat.valueOf(state.format());
            if (state.failure() != null) {
                forwardCompleted(record, failed(requestId, state.tenantId(), state.voiceId(), format,
                        state.chunkCount(), state.failure()));
                store.put(requestId, state.markCompleted());
                return;
            }
            if (!state.allChunksIn()) {
                store.put(requestId, state);
                return;
            }
            SynthesisCompleted completed;
            try {
                AssemblyState complete = state;
                BookWriter.Book book = retry.call("writing book " + requestId, () -> writer.write(complete));
                completed = SynthesisCompleted.newBuilder()
                        .setRequestId(requestId).setTenantId(state.tenantId()).setVoiceId(state.voiceId())
                        .setSucceeded(true).setAudio(book.audio()).setFormat(format)
                        .setDurationSeconds(book.durationSeconds()).setChunkCount(state.chunkCount())
                        .setChapters(book.chapters())
                        .setRealTimeFactor(book.durationSeconds() > 0 ? book.synthesisSeconds() / book.durationSeconds() : null)
                        .setEventTime(Instant.now()).build();
            } catch (TransientFaultException e) {
                throw e; // nothing stored yet: the last result is read again and the book written then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing book " + requestId, e);
            } catch (Exception e) {
                log.warn("book {} could not be written", requestId, e);
                completed = failed(requestId, state.tenantId(), state.voiceId(), format, state.chunkCount(),
                        "the book could not be written: " + DeadLetters.reason(e));
            }
            forwardCompleted(record, completed);
            store.put(requestId, state.markCompleted());
        }

        private void forwardCompleted(Record<String, byte[]> record, SynthesisCompleted completed) {
            context.forward(record.withKey(completed.getRequestId()).withValue(completed));
        }
    }
}
