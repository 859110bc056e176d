package dev.voxpipe.corpus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Installs missing Debian packages (apt-get install -y), tolerating ones already installed. */
public final class AptPackages {
    private static final Logger LOG = LoggerFactory.getLogger(AptPackages.class);

    private AptPackages() {
    }

    public static boolean installed(String pkg) {
        try {
            return Processes.run(List.of("dpkg-query", "-W", "-f=${Status}", pkg), null, 30).contains("install ok installed");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Installs what is missing; returns the packages still missing afterwards (empty on success). */
    public static List<String> ensure(Collection<String> packages) throws InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String p : packages) if (!installed(p)) missing.add(p);
        if (missing.isEmpty()) return missing;
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> prefix = root ? List.of() : List.of("sudo", "-n");
        LOG.info("installing Debian packages {}", missing);
        List<String> install = new ArrayList<>(prefix);
        install.addAll(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "--no-install-recommends"));
        install.addAll(missing);
        try {
            Processes.run(install, null, 1800);
        } catch (IOException first) {
            LOG.warn("apt-get install failed ({}); running apt-get update and retrying", first.getMessage().lines().findFirst().orElse(""));
            try {
                List<String> update = new ArrayList<>(prefix);
                update.addAll(List.of("apt-get", "update"));
                Processes.run(update, null, 900);
                Processes.run(install, null, 1800);
            } catch (IOException second) {
                LOG.warn("apt-get install failed again: {}", Processes.tail(second.getMessage()));
            }
        }
        List<String> still = new ArrayList<>();
        for (String p : missing) if (!installed(p)) still.add(p);
        return still;
    }
}
