package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The libtorch the images carry matches the DJL the build uses: the Dockerfile's PYTORCH_VERSION
 * is the root pom's pytorch-native version, and pytorch-jni ships a JNI library for that version,
 * this DJL, and both flavours the images select (cpu, and the CUDA flavour of the gpu target).
 * A DJL or PyTorch upgrade in the root pom without the images fails here, not at a container's start.
 */
class ComposeNativeLibrariesTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    private static final String DOCKERFILE = Deployment.read(DEPLOYMENT.dockerfile);
    private static final String ROOT_POM = Deployment.read(DEPLOYMENT.root.resolve("pom.xml"));

    @Test
    void dockerfilePytorchVersionIsTheBuildsVersion() {
        String pomVersion = pomProperty("djl.pytorch-native.version");
        List<String> dockerfileVersions = argDefaults("PYTORCH_VERSION");
        assertFalse(dockerfileVersions.isEmpty(), "Dockerfile declares no ARG PYTORCH_VERSION");
        for (String v : dockerfileVersions) {
            assertEquals(pomVersion, v, "Dockerfile ARG PYTORCH_VERSION must equal the root pom's djl.pytorch-native.version");
        }
        assertTrue(pomProperty("djl.pytorch-jni.version").startsWith(pomVersion + "-"), "pytorch-jni is built for another PyTorch");
    }

    @Test
    void pytorchJniHasTheFlavoursTheImagesSelect() throws IOException {
        String version = pomProperty("djl.pytorch-native.version");
        String djl = pomProperty("djl.version");
        ClassLoader loader = getClass().getClassLoader();
        Properties jni = new Properties();
        try (InputStream in = loader.getResourceAsStream("jnilib/pytorch.properties")) {
            assertNotNull(in, "pytorch-jni is not on the launcher's test classpath: the launcher must depend on the modules "
                    + "the images are built from (voice-model via trainer-worker and synth-worker)");
            jni.load(in);
        }
        assertTrue(jni.getProperty("jni_version", "").startsWith(version + "-" + djl),
                "pytorch-jni " + jni.getProperty("jni_version") + " does not match PyTorch " + version + " and DJL " + djl);
        List<String> cudaFlavours = argDefaults("PYTORCH_CUDA_FLAVOR");
        assertFalse(cudaFlavours.isEmpty(), "Dockerfile declares no ARG PYTORCH_CUDA_FLAVOR");
        for (String flavour : concat("cpu", cudaFlavours)) {
            String lib = "jnilib/linux-x86_64/" + flavour + "/libdjl_torch.so";
            assertNotNull(loader.getResource(lib), "pytorch-jni has no " + lib + ": DJL cannot load the " + flavour + " libtorch");
        }
    }

    @Test
    void cpuLibtorchJarIsTheOneTheCpuImageUnpacks() throws IOException {
        Properties nativeLib = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            assertNotNull(in, "no DJL native library on the launcher's test classpath (pytorch-native-cpu via voice-model)");
            nativeLib.load(in);
        }
        if (!"cpu".equals(nativeLib.getProperty("flavor"))) return; // pytorch-engine's placeholder came first
        assertTrue(nativeLib.getProperty("version", "").startsWith(pomProperty("djl.pytorch-native.version")),
                "pytorch-native-cpu " + nativeLib.getProperty("version"));
        assertTrue(DOCKERFILE.contains("jar xf \"$jar\" pytorch/cpu/linux-x86_64"),
                "the cpu image must unpack pytorch/cpu/linux-x86_64 from the pytorch-native-cpu jar");
        assertTrue(nativeLib.getProperty("libraries", "").contains("libtorch.so"), "the cpu jar lists no libtorch.so");
    }

    private static List<String> concat(String first, List<String> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).distinct().toList();
    }

    private static String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(ROOT_POM);
        assertTrue(m.find(), "root pom has no property " + name);
        return m.group(1).strip();
    }

    private static List<String> argDefaults(String arg) {
        Matcher m = Pattern.compile("(?m)^ARG " + Pattern.quote(arg) + "=(\\S+)\\s*$").matcher(DOCKERFILE);
        return m.results().map(r -> r.group(1)).toList();
    }
}
