package io.ebpfexporter.layout;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ebpfexporter.core.Collector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Core's packages in layers, as module-info describes them: each package imports only those above it in
 * {@link #LAYERS} (so no two packages depend on each other), and {@code sys} is not exported. Outside
 * core's packages: the kernel matrix's guests run those, on a class path without ArchUnit.
 */
class PackageLayersTest {
    private static final String CORE = "io.ebpfexporter.core";
    /** Top to bottom; the root package, the collector SPI, is last. */
    private static final List<String> LAYERS = List.of("sys", "bpf", "asm", "kernel", "info", "walk", "btf", "iter",
            "refs", "config", "");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(CORE);

    /** The layer of a core package, -1 for one that is not in {@link #LAYERS}. */
    private static int layer(String pkg) {
        return LAYERS.indexOf(pkg.equals(CORE) ? "" : pkg.substring(CORE.length() + 1));
    }

    @Test
    void everyPackageIsALayer() {
        Set<String> packages = CLASSES.stream().map(JavaClass::getPackageName).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(packages.size() > LAYERS.size() / 2, "core's classes found: " + packages);
        for (String pkg : packages) {
            assertTrue(layer(pkg) >= 0, pkg + " is in no layer of " + LAYERS);
        }
    }

    @Test
    void eachPackageImportsOnlyThoseAboveIt() {
        Set<String> upward = new TreeSet<>();
        for (JavaClass from : CLASSES) {
            for (Dependency d : from.getDirectDependenciesFromSelf()) {
                String to = d.getTargetClass().getPackageName();
                if (to.startsWith(CORE) && layer(to) > layer(from.getPackageName())) {
                    upward.add(from.getName() + " -> " + d.getTargetClass().getName());
                }
            }
        }
        assertEquals(Set.of(), upward, "imports of a package below the importer's (order: " + LAYERS + ")");
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void sysIsNotExported() throws IOException, URISyntaxException {
        Path classes = Path.of(Collector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            ModuleDescriptor core = ModuleDescriptor.read(in);
            assertEquals(CORE, core.name());
            assertFalse(core.exports().stream().anyMatch(e -> e.source().equals(CORE + ".sys")), core.exports().toString());
        }
    }
}
