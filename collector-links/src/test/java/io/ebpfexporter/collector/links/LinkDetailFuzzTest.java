package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every link detail fed random union bytes, random info_len and random strings (a seeded loop): each
 * adds its series without throwing, whatever the kernel's bytes say, and every family still renders.
 */
class LinkDetailFuzzTest {
    @Test
    void detailsNeverThrowOnRandomUnions() {
        Random random = new Random(20261125L);
        InterfaceNames interfaces = new InterfaceNames(Host.LIVE);
        List<LinkDetail> details = ServiceLoader.load(LinkDetail.class).stream().map(ServiceLoader.Provider::get).toList();
        assertFalse(details.isEmpty());
        for (LinkDetail detail : details) {
            for (int round = 0; round < 2_000; round++) {
                byte[] bytes = new byte[random.nextInt(2 * BpfLinkInfo.SIZE)];
                random.nextBytes(bytes);
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
                if (bytes.length >= 4) {
                    b.putInt(0, detail.linkType());
                }
                byte[] text = new byte[random.nextInt(40)];
                random.nextBytes(text);
                String string = new String(text, java.nio.charset.StandardCharsets.UTF_8);
                Link link = new Link(LinkInfo.decode(b, random.nextInt(BpfLinkInfo.SIZE + 16) - 8), KernelNames.STANDARD,
                        (pointer, length) -> random.nextBoolean() ? string : "", interfaces,
                        (objId, btfId) -> "");
                List<Family> families = detail.newFamilies(Scrapes.context()); // one link per walk: ids are unique
                detail.reported(link);
                detail.add(link, families);
                families.forEach(Family::snapshot);
            }
        }
    }
}
