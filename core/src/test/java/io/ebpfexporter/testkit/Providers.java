package io.ebpfexporter.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Providers of a service as the module descriptors on the class path declare them ({@code provides}),
 * instantiated: what ServiceLoader finds on the module path, for tests that run on the class path.
 */
public final class Providers {
    private Providers() {
    }

    public static <T> List<T> of(Class<T> service) {
        List<T> found = new ArrayList<>();
        try {
            for (URL url : Collections.list(Providers.class.getClassLoader().getResources("module-info.class"))) {
                try (InputStream in = url.openStream()) {
                    for (ModuleDescriptor.Provides p : ModuleDescriptor.read(in).provides()) {
                        if (p.service().equals(service.getName())) {
                            for (String provider : p.providers()) {
                                found.add(service.cast(Class.forName(provider).getConstructor().newInstance()));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + service.getSimpleName() + " provider", e);
        }
        return found;
    }
}
