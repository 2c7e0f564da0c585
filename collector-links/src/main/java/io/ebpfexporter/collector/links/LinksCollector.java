package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ObjectCollector;
import io.ebpfexporter.core.ReferenceFamilies;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** Every BPF link: {@code ebpf_link_info}, and each type's details from its {@link LinkDetail}. */
public final class LinksCollector extends ObjectCollector {
    private final Map<Integer, LinkDetail> details = new HashMap<>();
    private final TracingTargets targets = new TracingTargets();

    public LinksCollector() {
        super("links", ObjectKind.LINKS, "--collector.link", List.of());
        for (LinkDetail detail : ServiceLoader.load(LinkDetail.class, LinksCollector.class.getClassLoader())) {
            details.put(detail.linkType(), detail);
        }
    }

    /** The link types this build describes beyond {@code ebpf_link_info}. */
    Set<Integer> describedTypes() {
        return Set.copyOf(details.keySet());
    }

    @Override
    public List<MetricSnapshot> collect(ScrapeContext scrape) {
        Family info = scrape.info("ebpf_link_info",
                "BPF link: its type as the kernel names it and the program it attaches (0 for struct_ops)",
                idLabel(), "link_type", "prog_id");
        Map<Integer, List<Family>> perType = new HashMap<>();
        InterfaceNames interfaces = new InterfaceNames(scrape.host());
        ReferenceFamilies references = references(scrape);
        KernelNames names = names();
        ObjectWalk.forEach(scrape.host().objects(), ObjectKind.LINKS, object -> {
            LinkInfo l = object.info();
            LinkDetail detail = details.get(l.type());
            Link link = new Link(l, names, (pointer, length) -> LinkStrings.read(object, pointer, length), interfaces,
                    (objId, btfId) -> targets.name(scrape.host(), objId, btfId));
            if (detail != null && l.detailed() && detail.reported(link)) {
                detail.add(link, perType.computeIfAbsent(l.type(), t -> detail.newFamilies(scrape)));
            }
            info.add(Integer.toUnsignedString(l.id()), l.typeName(names), l.reportsProgId() ? Integer.toUnsignedString(l.progId()) : "");
            references.add(l.id(), Integer.toUnsignedString(l.id()));
        });
        List<MetricSnapshot> out = new ArrayList<>(Family.snapshots(info));
        out.addAll(references.snapshots());
        perType.keySet().stream().sorted().forEach(t -> out.addAll(Family.snapshots(perType.get(t).toArray(Family[]::new))));
        return out;
    }
}
