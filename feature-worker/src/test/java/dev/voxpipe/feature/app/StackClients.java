package dev.voxpipe.feature.app;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Producer of uploads and a read_committed reader of the worker's outputs, for ITs and the scaling bench. */
public final class StackClients implements AutoCloseable {
    private final KafkaProducer<String, RawAudioUploaded> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final SchemaRegistryClient registry;

    public StackClients(String bootstrap, SchemaRegistryClient registry) {
        this.registry = registry;
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024),
                new StringSerializer(), new AvroWireSerializer<>(registry, true));
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.AUDIO_CLIPS, Topics.FEATURES_MEL, Topics.VOICE_DATASETS, Topics.DEAD_LETTERS));
    }

    public static RawAudioUploaded upload(BlobStore blobs, String voice, String uploadId, byte[] audio, String transcript) throws Exception {
        BlobRef ref = blobs.put(new ByteArrayInputStream(audio), "application/octet-stream");
        return RawAudioUploaded.newBuilder().setTenantId("t1").setVoiceId(voice).setUploadId(uploadId).setBlob(ref)
                .setDeclaredFormat("audio/wav").setSniffedFormat(AudioFormat.WAV).setTranscript(transcript)
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("it").setStatement("my own voice").setAttestedAt(Instant.now()).build())
                .setEventTime(Instant.now()).build();
    }

    public void send(RawAudioUploaded u) throws Exception {
        producer.send(new ProducerRecord<>(Topics.AUDIO_UPLOADED, u.getVoiceId(), u)).get();
    }

    /** Decoded output record with its topic. */
    public record Out(String topic, String key, SpecificRecord value) {
    }

    public Out decode(ConsumerRecord<String, byte[]> r) {
        Class<? extends SpecificRecord> type = switch (r.topic()) {
            case Topics.AUDIO_CLIPS -> SlicedClip.class;
            case Topics.FEATURES_MEL -> MelFeatures.class;
            case Topics.VOICE_DATASETS -> VoiceDatasetSummary.class;
            default -> DeadLetter.class;
        };
        return new Out(r.topic(), r.key(), deserialize(type, r));
    }

    private <T extends SpecificRecord> T deserialize(Class<T> type, ConsumerRecord<String, byte[]> r) {
        return new AvroWireDeserializer<>(registry, type).deserialize(r.topic(), r.value());
    }

    /** Polls until {@code done} holds for everything read so far, or the timeout passes. */
    public List<Out> readUntil(Predicate<List<Out>> done, Duration timeout) {
        List<Out> seen = new java.util.ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end && !done.test(seen)) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) seen.add(decode(r));
        }
        return seen;
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
