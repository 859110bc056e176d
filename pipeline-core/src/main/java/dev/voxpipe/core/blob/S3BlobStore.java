package dev.voxpipe.core.blob;

import dev.voxpipe.schemas.common.BlobRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, s3proxy). Uploads of unknown length go
 * up in parts of {@code partSize} bytes, so memory stays at one part whatever the blob's size.
 * Content-addressed puts upload to a staging key while hashing, then copy to the final key.
 */
public final class S3BlobStore implements BlobStore {

    /** S3's own minimum part size is 5 MiB. */
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int partSize;

    public S3BlobStore(S3Client s3, String bucket, String prefix, int partSize) {
        if (partSize < 5 * 1024 * 1024) throw new IllegalArgumentException("S3 parts must be at least 5 MiB");
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() ? "" : BlobKeys.validate(prefix) + "/";
        this.partSize = partSize;
    }

    /** Settings for {@link #connect}. Credentials null: the SDK's default chain (env, profile, IAM role). */
    public record Settings(URI endpoint, String region, String bucket, String prefix, String accessKey,
                           String secretKey, boolean pathStyle, boolean createBucket) {}

    public static S3BlobStore connect(Settings settings) {
        AwsCredentialsProvider credentials = settings.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region() == null ? "us-east-1" : settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // Trailing checksums are not understood by every S3-compatible server; MD5/ETags still guard parts.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) builder.endpointOverride(settings.endpoint());
        S3BlobStore store = new S3BlobStore(builder.build(), settings.bucket(), settings.prefix(), DEFAULT_PART_SIZE);
        if (settings.createBucket()) store.createBucketIfMissing();
        return store;
    }

    public void createBucketIfMissing() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
            } catch (BucketAlreadyOwnedByYouException ignored) {
                // created concurrently
            }
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw e;
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    @Override
    public BlobRef put(InputStream content, String contentType) throws IOException {
        String staging = "staging/" + UUID.randomUUID();
        HashingInputStream hashing = new HashingInputStream(content);
        upload(objectKey(staging), hashing, contentType);
        byte[] sha = hashing.sha256();
        String key = BlobKeys.contentAddressed(sha);
        try {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(objectKey(staging))
                    .destinationBucket(bucket).destinationKey(objectKey(key)));
        } catch (SdkException e) {
            throw new IOException("cannot move staged upload into " + key + " in " + describe() + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
        return new BlobRef(key, HexFormat.of().formatHex(sha), hashing.count(), contentType);
    }

    @Override
    public BlobRef putAt(String key, InputStream content, String contentType) throws IOException {
        BlobKeys.validate(key);
        HashingInputStream hashing = new HashingInputStream(content);
        upload(objectKey(key), hashing, contentType);
        return new BlobRef(key, HexFormat.of().formatHex(hashing.sha256()), hashing.count(), contentType);
    }

    /** One PUT when the content fits in a part, a multipart upload otherwise. */
    private void upload(String objectKey, InputStream in, String contentType) throws IOException {
        byte[] buffer = new byte[partSize];
        int filled = in.readNBytes(buffer, 0, partSize);
        String type = contentType == null ? "application/octet-stream" : contentType;
        try {
            if (filled < partSize) {
                s3.putObject(b -> b.bucket(bucket).key(objectKey).contentType(type),
                        RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled)));
                return;
            }
            String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(objectKey).contentType(type)).uploadId();
            try {
                List<CompletedPart> parts = new ArrayList<>();
                int partNumber = 1;
                while (filled > 0) {
                    int number = partNumber++;
                    int length = filled;
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
                                    .partNumber(number).contentLength((long) length),
                            RequestBody.fromInputStream(new java.io.ByteArrayInputStream(buffer, 0, length), length)).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                    filled = in.readNBytes(buffer, 0, partSize);
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            } catch (IOException | RuntimeException e) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId));
                } catch (SdkException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } catch (SdkException e) {
            throw new IOException("upload of " + objectKey + " to " + describe() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        BlobKeys.validate(key);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchBlobException(key, describe());
        } catch (SdkException e) {
            throw new IOException("cannot read " + key + " from " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        BlobKeys.validate(key);
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative range " + offset + "+" + length);
        if (length == 0) return InputStream.nullInputStream();
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(objectKey(key)).range(range));
        } catch (NoSuchKeyException e) {
            throw new NoSuchBlobException(key, describe());
        } catch (S3Exception e) {
            if (e.statusCode() == 416) return InputStream.nullInputStream(); // offset past the end
            throw new IOException("cannot read " + key + " from " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BlobStat> stat(String key) throws IOException {
        BlobKeys.validate(key);
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(objectKey(key)));
            return Optional.of(new BlobStat(key, head.contentLength()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw new IOException("cannot stat " + key + " in " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        boolean existed = stat(key).isPresent();
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (SdkException e) {
            throw new IOException("cannot delete " + key + " from " + describe() + ": " + e.getMessage(), e);
        }
        return existed;
    }

    @Override
    public String describe() {
        return "S3 bucket " + bucket + (prefix.isEmpty() ? "" : " under " + prefix);
    }

    @Override
    public void close() {
        s3.close();
    }

    private String objectKey(String key) {
        return prefix + key;
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (SdkException ignored) {
            // a leftover staging object is harmless; a lifecycle rule on staging/ cleans it
        }
    }
}
