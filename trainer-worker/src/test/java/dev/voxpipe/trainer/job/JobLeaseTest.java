package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fencing: each taker raises the epoch, and an earlier holder sees that it has been replaced. */
class JobLeaseTest {

    @TempDir
    Path dir;

    @Test
    void aSecondTakerFencesTheFirst() throws Exception {
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dir)) {
            JobLease first = JobLease.acquire(blobs, "job-1", 0, "worker-a");
            assertEquals(1, first.epoch());
            assertEquals("worker-a", first.holder());
            assertFalse(first.isFenced(), "alone, the holder is not fenced");

            JobLease second = JobLease.acquire(blobs, "job-1", 0, "worker-b");
            assertEquals(2, second.epoch());
            assertTrue(first.isFenced(), "the first worker has been replaced");
            assertFalse(second.isFenced());
            assertTrue(blobs.stat(JobLease.key("job-1")).isPresent(), "the lease lives next to the checkpoints");
        }
    }

    @Test
    void theEpochStartsAboveTheJobsOwnAndLeasesOfOtherJobsAreIndependent() throws Exception {
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dir)) {
            JobLease reissued = JobLease.acquire(blobs, "job-2", 5, "worker-a");
            assertEquals(6, reissued.epoch(), "a re-issued job (epoch 5) starts above its own epoch");
            JobLease other = JobLease.acquire(blobs, "job-3", 0, "worker-b");
            assertEquals(1, other.epoch());
            assertFalse(reissued.isFenced(), "another job's lease does not fence this one");
        }
    }
}
