#!/usr/bin/env python3
"""Removes one DT_NEEDED entry from an ELF64 little-endian shared object, in place (what
`patchelf --remove-needed` does, without installing patchelf).

    drop_needed.py FILE LIBRARY

Debian's node-sqlite3 addon is built against Debian's node 18 and names libnode.so.108, which
this machine's node 20 does not ship. It only needs N-API symbols (napi_*), which every node
binary exports, so without that entry it loads into node 20. Exits 0 when the entry is gone
(also when it was never there).
"""
import struct
import sys

DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5
PT_LOAD, PT_DYNAMIC = 1, 2


def drop_needed(path, library):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a little-endian ELF64 file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic = [], None
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
    if dynamic is None:
        raise SystemExit(f"{path}: no dynamic section")

    def file_offset(vaddr):
        for start, offset, size in loads:
            if start <= vaddr < start + size:
                return offset + vaddr - start
        raise SystemExit(f"{path}: address {vaddr:#x} is in no loaded segment")

    offset, size = dynamic
    entries = [struct.unpack_from("<qQ", data, offset + i) for i in range(0, size, 16)]
    count = next(i for i, (tag, _) in enumerate(entries) if tag == DT_NULL)
    strtab = file_offset(next(value for tag, value in entries if tag == DT_STRTAB))

    def name(value):
        end = data.index(b"\0", strtab + value)
        return data[strtab + value:end].decode()

    kept = [(tag, value) for tag, value in entries[:count] if not (tag == DT_NEEDED and name(value) == library)]
    if len(kept) == count:
        return False
    kept += [(DT_NULL, 0)] * (len(entries) - len(kept))
    for i, (tag, value) in enumerate(kept):
        struct.pack_into("<qQ", data, offset + i * 16, tag, value)
    with open(path, "wb") as f:
        f.write(data)
    return True


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    changed = drop_needed(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[1]}: {'removed' if changed else 'no'} DT_NEEDED {sys.argv[2]}")
