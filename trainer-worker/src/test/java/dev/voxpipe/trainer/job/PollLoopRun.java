package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;

/** A {@link TrainingJobConsumer} on its own thread over a {@link MockConsumer} that is handed one partition and one job. */
final class PollLoopRun {

    private final TrainingJobConsumer loop;
    private final Thread thread;

    private PollLoopRun(TrainingJobConsumer loop) {
        this.loop = loop;
        this.thread = new Thread(loop, "trainer-poll-test");
    }

    /** Assigns {@code partition} at the first poll, offers {@code first} on it, and starts the loop. */
    static PollLoopRun start(TrainingJobConsumer loop, MockConsumer<String, byte[]> consumer, TopicPartition partition,
                             ConsumerRecord<String, byte[]> first) {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(partition));
            consumer.updateBeginningOffsets(Map.of(partition, 0L));
            consumer.addRecord(first);
        });
        PollLoopRun run = new PollLoopRun(loop);
        run.thread.start();
        return run;
    }

    /** Whether the loop's thread still runs. */
    boolean alive() {
        return thread.isAlive();
    }

    /** Closes the loop and checks that its thread ends within {@code wait}. */
    void stop(Duration wait) throws InterruptedException {
        loop.close();
        thread.join(wait.toMillis());
        assertFalse(thread.isAlive(), "the loop stops when closed");
        loop.shutdownExecutor();
    }
}
