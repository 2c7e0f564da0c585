import io.ebpfexporter.collector.links.AttachmentSource;
import io.ebpfexporter.collector.links.CgroupAttachments;
import io.ebpfexporter.collector.links.CgroupLink;
import io.ebpfexporter.collector.links.IterLink;
import io.ebpfexporter.collector.links.KprobeMultiLink;
import io.ebpfexporter.collector.links.LinkDetail;
import io.ebpfexporter.collector.links.NetfilterLink;
import io.ebpfexporter.collector.links.NetkitAttachments;
import io.ebpfexporter.collector.links.NetkitLink;
import io.ebpfexporter.collector.links.NetnsAttachments;
import io.ebpfexporter.collector.links.NetnsLink;
import io.ebpfexporter.collector.links.PerfEventAttachments;
import io.ebpfexporter.collector.links.PerfEventLink;
import io.ebpfexporter.collector.links.ProgArrayAttachments;
import io.ebpfexporter.collector.links.RawTracepointLink;
import io.ebpfexporter.collector.links.SockmapAttachments;
import io.ebpfexporter.collector.links.SockmapLink;
import io.ebpfexporter.collector.links.StructOpsLink;
import io.ebpfexporter.collector.links.TcAttachments;
import io.ebpfexporter.collector.links.TcxAttachments;
import io.ebpfexporter.collector.links.TcxLink;
import io.ebpfexporter.collector.links.TracingLink;
import io.ebpfexporter.collector.links.UprobeMultiLink;
import io.ebpfexporter.collector.links.XdpAttachments;
import io.ebpfexporter.collector.links.XdpLink;

/**
 * Metrics about every BPF link, and where every program is attached. Each link type's details come from
 * one {@link LinkDetail}, and each kind of hook's attachments from one {@link AttachmentSource}, found
 * with ServiceLoader; a new one is one class plus one entry here (and in META-INF/services, which the
 * class path uses — a test keeps the lists equal).
 */
module io.ebpfexporter.collector.links {
    requires io.ebpfexporter.core;

    uses LinkDetail;
    uses AttachmentSource;

    provides io.ebpfexporter.core.Collector with io.ebpfexporter.collector.links.LinksCollector,
            io.ebpfexporter.collector.links.AttachmentsCollector;
    provides AttachmentSource with XdpAttachments, TcAttachments, TcxAttachments, NetkitAttachments,
            CgroupAttachments, NetnsAttachments, SockmapAttachments, PerfEventAttachments, ProgArrayAttachments;
    provides LinkDetail with
            RawTracepointLink,
            TracingLink,
            CgroupLink,
            IterLink,
            NetnsLink,
            XdpLink,
            PerfEventLink,
            KprobeMultiLink,
            StructOpsLink,
            NetfilterLink,
            TcxLink,
            UprobeMultiLink,
            NetkitLink,
            SockmapLink;
}
