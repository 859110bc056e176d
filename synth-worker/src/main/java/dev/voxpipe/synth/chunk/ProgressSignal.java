package dev.voxpipe.synth.chunk;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends "chunk synthesised" to {@code voxpipe.synthesis.progress} the moment a chunk is done, with
 * its own plain producer, outside the batch's transaction (issue 22): a book's progress rises chunk
 * by chunk instead of per committed batch, while results and audio stay exactly-once and
 * read_committed. Fire and forget: a lost signal only delays the progress until the commit; a signal
 * of a batch that is then aborted and redone names the same chunk index, which ingest counts once.
 */
public final class ProgressSignal implements ChunkSynthesizer.ChunkProgress, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProgressSignal.class);

    private final Producer<String, SpecificRecord> producer;
    private final Counter sent;
    private final Counter lost;

    public ProgressSignal(Producer<String, SpecificRecord> producer, MeterRegistry metrics) {
        this.producer = producer;
        this.sent = Counter.builder("voxpipe_synth_progress_signals_total").tag("outcome", "sent")
                .description("chunk progress signals sent outside the transactions").register(metrics);
        this.lost = Counter.builder("voxpipe_synth_progress_signals_total").tag("outcome", "lost")
                .description("chunk progress signals sent outside the transactions").register(metrics);
    }

    @Override
    public void synthesized(SynthesisChunkResult result) {
        SynthesisProgress signal = SynthesisProgress.newBuilder().setRequestId(result.getRequestId()).setTenantId(result.getTenantId())
                .setVoiceId(result.getVoiceId()).setChunkIndex(result.getChunkIndex()).setChunkCount(result.getChunkCount())
                .setSucceeded(result.getSucceeded()).setWorkerId(result.getWorkerId()).setEventTime(Instant.now()).build();
        try {
            producer.send(new ProducerRecord<>(Topics.SYNTHESIS_PROGRESS, result.getRequestId(), signal), (md, error) -> {
                if (error == null) {
                    sent.increment();
                } else {
                    lost.increment();
                    log.debug("progress of chunk {} of {} not sent: {}", result.getChunkIndex(), result.getRequestId(), error.toString());
                }
            });
        } catch (RuntimeException e) {
            lost.increment();
            log.debug("progress of chunk {} of {} not sent: {}", result.getChunkIndex(), result.getRequestId(), e.toString());
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(2));
    }
}
