package dev.voxpipe.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.voxpipe.core.worker.ResidentMemory;
import dev.voxpipe.model.VoiceModelRuntime;
import org.junit.jupiter.api.Test;

/**
 * Issue 22's native-memory soak for the trainer, short enough for the suite: fine-tuning jobs one after the other on
 * the shipped base, as the trainer worker runs them (a fresh speaker each, 4 clips of about 2 s, 2 steps), under the
 * allocator setting the trainer ships with ({@code MALLOC_MMAP_THRESHOLD_}, set for this module's tests in its pom);
 * after a warm-up that reaches the batch shapes, the process's resident memory (VmRSS after a full GC, libtorch
 * included) must not grow by more than {@link #BOUND} over {@link #JOBS} jobs. A job that left its activations,
 * gradients or optimiser state behind (tens of MiB each) would exceed it; {@code SynthNativeMemorySoakIT} shows that
 * the same check catches a leak. The bound leaves room for the slow creep measured so far (about 4-5 MiB a job over
 * the first 12 jobs: README, "Native memory of the trainer"). Not timed. {@code bench/trainer-memory/run.sh} measures
 * longer jobs and other batch sizes.
 */
class TrainerNativeMemorySoakIT {

    static final int WARM_UP = 2;
    static final int JOBS = 8;
    static final int WINDOW = 3;
    static final long BOUND = 48L << 20;

    @Test
    void residentMemoryStaysFlatOverRepeatedTrainingJobs() {
        assumeTrue(ResidentMemory.available(), "no /proc/self/status on this OS: resident memory cannot be measured, soak skipped");
        try (VoiceModelRuntime runtime = VoiceModelRuntime.loadBase()) {
            TrainingRounds rounds = new TrainingRounds(runtime, 4, 2.0, 2, 1);
            int job = 0;
            while (job < WARM_UP) rounds.job(++job);
            ResidentMemory.Trend trend = new ResidentMemory.Trend();
            for (int i = 0; i < JOBS; i++) {
                rounds.job(++job);
                trend.sample();
            }
            long growth = trend.lastingGrowth(WINDOW);
            System.out.printf("training soak: RSS after each job %s, growth %d KiB (bound %d MiB)%n", trend.describeMiB(), growth >> 10,
                    BOUND >> 20);
            assertTrue(growth < BOUND, "resident memory grew by " + (growth >> 20) + " MiB over " + JOBS + " training jobs (bound "
                    + (BOUND >> 20) + " MiB): " + trend.describeMiB());
        }
    }
}
