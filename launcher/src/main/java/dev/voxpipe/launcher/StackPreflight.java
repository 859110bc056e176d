package dev.voxpipe.launcher;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Proves the foundation works before anything else runs: a blob goes into the store, its upload
 * event goes through the broker in the Confluent wire format, and comes back equal.
 */
final class StackPreflight {

    private StackPreflight() {}

    record Result(RawAudioUploaded sent, RawAudioUploaded received, RecordMetadata where) {}

    static Result roundTripUpload(String bootstrap, SchemaRegistryClient registry, BlobStore blobs) throws Exception {
        BlobRef blob = blobs.put(new ByteArrayInputStream(toneWav(1.0, 440, 16000)), "audio/wav");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RawAudioUploaded sent = RawAudioUploaded.newBuilder()
                .setTenantId("local")
                .setVoiceId("preflight-" + UUID.randomUUID())
                .setUploadId(UUID.randomUUID().toString())
                .setBlob(blob)
                .setDeclaredFormat("audio/wav")
                .setSniffedFormat(AudioFormat.WAV)
                .setTranscript(null)
                .setConsent(new ConsentAttestation("local operator", "preflight tone, not a voice", now))
                .setEventTime(now)
                .build();
        RecordMetadata where;
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, RawAudioUploaded> producer = new KafkaProducer<>(producerConfig,
                new StringSerializer(), new AvroWireSerializer<>(registry, true))) {
            where = producer.send(new ProducerRecord<>(Topics.AUDIO_UPLOADED, sent.getVoiceId(), sent)).get();
        }
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, RawAudioUploaded> consumer = new KafkaConsumer<>(consumerConfig,
                new StringDeserializer(), new AvroWireDeserializer<>(registry, RawAudioUploaded.class))) {
            TopicPartition partition = new TopicPartition(where.topic(), where.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, where.offset());
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, RawAudioUploaded> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == where.offset()) {
                        RawAudioUploaded received = record.value();
                        try (var in = blobs.open(received.getBlob().getKey())) {
                            if (in.readAllBytes().length != received.getBlob().getSizeBytes()) {
                                throw new IllegalStateException("blob size differs from its reference");
                            }
                        }
                        return new Result(sent, received, where);
                    }
                }
            }
        }
        throw new IllegalStateException("the upload event did not come back within 15 s");
    }

    /** A short 16-bit mono WAV tone: enough bytes to exercise the blob store. */
    static byte[] toneWav(double seconds, double hz, int rate) throws IOException {
        int n = (int) (seconds * rate);
        ByteBuffer pcm = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) pcm.putShort((short) (0.3 * 32767 * Math.sin(2 * Math.PI * hz * i / rate)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes()).putInt(36 + n * 2).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(n * 2);
        out.write(header.array());
        out.write(pcm.array());
        return out.toByteArray();
    }
}
