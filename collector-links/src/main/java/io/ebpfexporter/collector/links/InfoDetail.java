package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ScrapeContext;

import java.util.List;

/**
 * The common shape of a link type whose details are one {@code _info} family: its labels after
 * {@code link_id}, and how to read their values from a link.
 */
abstract class InfoDetail implements LinkDetail {
    private final int linkType;
    private final String metric;
    private final String help;
    private final String[] labels;

    InfoDetail(int linkType, String metric, String help, String... labels) {
        this.linkType = linkType;
        this.metric = metric;
        this.help = help;
        this.labels = labels;
    }

    /** The values of the labels after {@code link_id}, in declaration order. */
    abstract String[] values(Link link);

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public List<Family> newFamilies(ScrapeContext scrape) {
        String[] all = new String[labels.length + 1];
        all[0] = "link_id";
        System.arraycopy(labels, 0, all, 1, labels.length);
        return List.of(scrape.info(metric, help, all));
    }

    @Override
    public void add(Link link, List<Family> families) {
        String[] values = values(link);
        String[] all = new String[values.length + 1];
        all[0] = link.id();
        System.arraycopy(values, 0, all, 1, values.length);
        families.get(0).add(all);
    }
}
