package io.ebpfexporter.core;

import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.config.Settings;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.core.walk.ObjectKind;

import java.util.ArrayList;
import java.util.List;

/**
 * A collector of one kind of kernel object. What every such collector shares is declared here once: its
 * name, the seed's flag for it, the {@code owners} setting and the owner and pin families it governs, the
 * naming its settings choose, and the id label ({@code prog_id}, {@code map_id}, ...) of its objects'
 * series. A subclass declares its own settings to the constructor and reads them in
 * {@link #configure} after calling this class's.
 */
public abstract class ObjectCollector implements Collector {
    private final String name;
    private final ObjectKind<?> kind;
    private final String seedFlag;
    private final List<Setting> settings;
    private Naming naming = Naming.STANDARD;
    private boolean owners;

    /**
     * {@code seedFlag}: the seed's flag for {@code collectors.<name>.enabled}; {@code ownSettings}: the
     * settings besides {@code enabled} and {@code owners}.
     */
    protected ObjectCollector(String name, ObjectKind<?> kind, String seedFlag, List<Setting> ownSettings) {
        this.name = name;
        this.kind = kind;
        this.seedFlag = seedFlag;
        List<Setting> all = new ArrayList<>(ownSettings);
        all.add(ReferenceFamilies.OWNERS);
        this.settings = List.copyOf(all);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> enabledAliases() {
        return List.of(seedFlag);
    }

    @Override
    public final List<Setting> settings() {
        return settings;
    }

    @Override
    public void configure(Settings settings) {
        naming = settings.naming();
        owners = settings.bool(ReferenceFamilies.OWNERS);
    }

    /** The label that keys every series of an object by its id, such as {@code prog_id}. */
    protected final String idLabel() {
        return kind.idLabel();
    }

    protected final Naming naming() {
        return naming;
    }

    /** Kernel enum names in the configured spelling. */
    protected final KernelNames names() {
        return KernelNames.of(naming);
    }

    /** This scrape's owner and pin families of the collector's objects. */
    protected final ReferenceFamilies references(ScrapeContext scrape) {
        return new ReferenceFamilies(scrape, kind, owners);
    }
}
