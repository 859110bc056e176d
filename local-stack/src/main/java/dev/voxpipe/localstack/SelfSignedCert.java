package dev.voxpipe.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, for tests of TLS servers (ingest's
 * HTTPS, the broker's SASL_SSL listener). Made with the JDK's own {@code keytool} (always there, no
 * BouncyCastle or openssl needed), then written as PEM: {@link #certPem()} (the certificate, also the
 * trust anchor), {@link #keyPem()} (the unencrypted PKCS#8 key) and {@link #keyAndCertPem()} (both, the
 * form Kafka's {@code ssl.keystore.type=PEM} reads).
 */
public final class SelfSignedCert {

    private static final char[] STORE_PASSWORD = "throwaway".toCharArray();

    private final Path certPem;
    private final Path keyPem;
    private final Path keyAndCertPem;
    private final Certificate certificate;

    private SelfSignedCert(Path certPem, Path keyPem, Path keyAndCertPem, Certificate certificate) {
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.keyAndCertPem = keyAndCertPem;
        this.certificate = certificate;
    }

    /** Generates a key pair and certificate (CN=localhost, SAN localhost and 127.0.0.1) under {@code dir}. */
    public static SelfSignedCert create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path store = dir.resolve("throwaway.p12");
        Files.deleteIfExists(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path log = dir.resolve("keytool.log");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(keytool + " could not make a certificate: " + Files.readString(log));
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, STORE_PASSWORD);
            PrivateKey key = (PrivateKey) keys.getKey("server", STORE_PASSWORD);
            Certificate cert = keys.getCertificate("server");
            String certText = pem("CERTIFICATE", cert.getEncoded());
            String keyText = pem("PRIVATE KEY", key.getEncoded()); // PKCS#8
            Path certPem = Files.writeString(dir.resolve("cert.pem"), certText);
            Path keyPem = Files.writeString(dir.resolve("key.pem"), keyText);
            Path both = Files.writeString(dir.resolve("key-and-cert.pem"), keyText + certText);
            return new SelfSignedCert(certPem, keyPem, both, cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the generated key store " + store + ": " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    public Path certPem() {
        return certPem;
    }

    public Path keyPem() {
        return keyPem;
    }

    public Path keyAndCertPem() {
        return keyAndCertPem;
    }

    /** A client context that trusts this certificate and nothing else. */
    public SSLContext trustingContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("server", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store for the throwaway certificate", e);
        }
    }
}
