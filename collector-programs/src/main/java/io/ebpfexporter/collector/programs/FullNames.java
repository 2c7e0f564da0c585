package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfBtfInfo;
import io.ebpfexporter.core.bpf.BpfProgInfo;
import io.ebpfexporter.core.bpf.Command;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.info.ProgInfo;
import io.ebpfexporter.core.walk.OpenObject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The full name of a program whose name the kernel cut at 15 characters: the name of its first function
 * in its BTF func info, as bpftool's get_prog_full_name finds it. Read once per program (an id names one
 * program for good) and kept while the program exists; "" where there is none to find.
 */
final class FullNames {
    /** BPF_OBJ_NAME_LEN - 1: a name this long may have been cut. */
    private static final int CUT_LENGTH = 15;
    private static final int FUNC_INFO_BYTES = 8; // struct bpf_func_info: insn_off, type_id

    private final Map<Integer, String> known = new ConcurrentHashMap<>();

    /** The program's full name, or "" when its name is whole or no func info names it. */
    String of(OpenObject<ProgInfo> program) {
        ProgInfo p = program.info();
        if (p.name().length() != CUT_LENGTH || p.btfId() <= 0) {
            return "";
        }
        int fd = program.fd();
        return fd < 0 ? "" : known.computeIfAbsent(p.id(), id -> read(fd, (int) p.btfId()));
    }

    /** Forgets the programs not in {@code alive}. */
    void retain(Set<Integer> alive) {
        known.keySet().retainAll(alive);
    }

    private static String read(int progFd, int btfId) {
        try (Bpf bpf = new Bpf(); NativeBuffer record = new NativeBuffer(FUNC_INFO_BYTES);
             NativeBuffer info = new NativeBuffer(BpfProgInfo.SIZE)) {
            info.view().putInt(BpfProgInfo.FUNC_INFO_REC_SIZE.offset(), FUNC_INFO_BYTES);
            info.view().putInt(BpfProgInfo.NR_FUNC_INFO.offset(), 1);
            info.view().putLong(BpfProgInfo.FUNC_INFO.offset(), record.address());
            bpf.objInfo(progFd, info, BpfProgInfo.SIZE);
            if (info.view().getInt(BpfProgInfo.NR_FUNC_INFO.offset()) == 0) {
                return "";
            }
            String name = KernelBtf.parse(btf(bpf, btfId)).name(record.view().getInt(4));
            return name;
        } catch (RuntimeException e) { // a BpfException, or BTF this reader does not follow
            return ""; // the name is optional; the scrape is not
        }
    }

    /** The raw BTF of object {@code btfId}: its size first, then its bytes. */
    private static byte[] btf(Bpf bpf, int btfId) {
        int fd = bpf.fdById(Command.BTF_GET_FD_BY_ID, btfId, 0);
        try (NativeBuffer info = new NativeBuffer(BpfBtfInfo.SIZE)) {
            bpf.objInfo(fd, info, BpfBtfInfo.SIZE);
            int size = info.view().getInt(BpfBtfInfo.BTF_SIZE.offset());
            try (NativeBuffer data = new NativeBuffer(size)) {
                info.clear();
                info.view().putLong(BpfBtfInfo.BTF.offset(), data.address());
                info.view().putInt(BpfBtfInfo.BTF_SIZE.offset(), size);
                bpf.objInfo(fd, info, BpfBtfInfo.SIZE);
                byte[] bytes = new byte[size];
                data.view().get(0, bytes);
                return bytes;
            }
        } finally {
            Bpf.close(fd);
        }
    }
}
