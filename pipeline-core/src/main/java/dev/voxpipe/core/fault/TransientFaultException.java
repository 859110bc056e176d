package dev.voxpipe.core.fault;

/**
 * A transient fault that outlasted a stage's bounded retries. It is never turned into a dead
 * letter: a Kafka Streams stage lets it reach the stream thread's handler (the thread is replaced
 * and the record is read again from the last commit), a poll loop rewinds to the record and tries
 * again after a pause.
 */
public final class TransientFaultException extends RuntimeException {

    public TransientFaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
