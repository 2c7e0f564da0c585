package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.info.FdInfo;
import io.ebpfexporter.core.walk.ObjectKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file descriptor that refers to a BPF object, recognised as the kernel names its anonymous inode
 * ({@code /proc/<pid>/fd/<n>} links to {@code anon_inode:bpf-map} and the like) and identified by the id
 * its fdinfo reports. Works on every kernel the exporter supports and for any process root may read.
 */
public record BpfFd(ObjectKind<?> kind, int id) {

    /** The BPF object behind {@code fd} (a /proc fd link) with its {@code fdinfo}; empty for any other file or one gone. */
    static Optional<BpfFd> read(Path fd, Path fdinfo) {
        try {
            Optional<ObjectKind<?>> kind = ObjectKind.ofInode(Files.readSymbolicLink(fd).toString());
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            long id = new FdInfo(Files.readAllBytes(fdinfo)).number(kind.get().idLabel());
            return id > 0 ? Optional.of(new BpfFd(kind.get(), (int) id)) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // closed meanwhile, or a process that went away
        }
    }
}
