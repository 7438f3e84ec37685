#!/usr/bin/env python3
"""Random file operations on a mounted directory, checked against an in-memory model of POSIX.

Several descriptors over a few names: open (with O_CREAT, O_TRUNC, O_APPEND), close, pread,
pwrite, append, truncate, ftruncate, rename, unlink, fsync and stat, in an order drawn from a
seed, so a failure replays exactly with the same --seed. After every step the outcome of the
call and, for a random name, its size are compared with the model; reads are compared byte for
byte. At the end every descriptor is closed and the model's final files are printed as JSON
(name -> md5 and size) for the caller to check on the server with an independent client.

Usage: fsmodel.py DIR --seed N --ops N [--names N] [--max-fds N] [--json FILE]
Exit status: 0 when the mount agreed with the model at every step, 1 otherwise (the first
disagreement is printed with the step number and the operations that led to it).
"""
import argparse
import errno
import hashlib
import json
import os
import random
import sys


class Inode:
    def __init__(self):
        self.data = bytearray()


class Model:
    """What a local disk does: names point at inodes; descriptors hold inodes."""

    def __init__(self):
        self.names = {}  # name -> Inode
        self.fds = {}  # fd -> (Inode, flags)


def drawn_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


class Run:
    def __init__(self, root, seed, names, max_fds):
        self.root = root
        self.rng = random.Random(seed)
        self.names = ["f%d" % i for i in range(names)]
        self.max_fds = max_fds
        self.m = Model()
        self.history = []

    def path(self, name):
        return os.path.join(self.root, name)

    def fail(self, step, what):
        print("step %d: %s" % (step, what), file=sys.stderr)
        for line in self.history[-12:]:
            print("  " + line, file=sys.stderr)
        return False

    def writable(self, flags):
        return flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)

    def readable(self, flags):
        return flags & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)

    # Each op returns (description, check) where check() -> error string or None.
    def op_open(self):
        name = self.rng.choice(self.names)
        acc = self.rng.choice([os.O_RDONLY, os.O_WRONLY, os.O_RDWR])
        flags = acc
        if self.rng.random() < 0.5:
            flags |= os.O_CREAT
        if acc != os.O_RDONLY and self.rng.random() < 0.2:
            flags |= os.O_TRUNC
        if acc != os.O_RDONLY and self.rng.random() < 0.3:
            flags |= os.O_APPEND
        exists = name in self.m.names
        desc = "open(%s, %s)" % (name, flags_str(flags))
        try:
            fd = os.open(self.path(name), flags, 0o644)
        except OSError as e:
            if not exists and not flags & os.O_CREAT and e.errno == errno.ENOENT:
                return desc + " = ENOENT", None
            return desc, "failed: %s" % e
        if not exists and not flags & os.O_CREAT:
            os.close(fd)
            return desc, "opened a name the model does not have"
        if not exists:
            self.m.names[name] = Inode()
        ino = self.m.names[name]
        if flags & os.O_TRUNC:
            ino.data = bytearray()
        self.m.fds[fd] = (ino, flags)
        return desc + " = %d" % fd, None

    def fd_call(self, what, fn, fd):
        """Runs fn(fd); (description, error or None)."""
        desc = "%s(%d)" % (what, fd)
        try:
            fn(fd)
        except OSError as e:
            return desc, "failed: %s" % e
        return desc, None

    def name_call(self, desc, name, fn):
        """Runs fn on a name: (desc, None, False) when the model lacks the name and fn said
        ENOENT, (desc, error, False) on any other disagreement, (desc, None, True) when it
        succeeded on a name the model has."""
        try:
            fn()
        except OSError as e:
            if name not in self.m.names and e.errno == errno.ENOENT:
                return desc + " = ENOENT", None, False
            return desc, "failed: %s" % e, False
        if name not in self.m.names:
            return desc, "succeeded on a name the model does not have", False
        return desc, None, True

    def op_close(self):
        fd = self.rng.choice(list(self.m.fds))
        del self.m.fds[fd]
        return self.fd_call("close", os.close, fd)

    def op_read(self):
        fd = self.rng.choice(list(self.m.fds))
        ino, flags = self.m.fds[fd]
        if not self.readable(flags):
            return "read(%d) skipped: write-only" % fd, None
        off = self.rng.randrange(0, len(ino.data) + 2)
        size = self.rng.randrange(1, 9000)
        desc = "pread(%d, %d, %d)" % (fd, size, off)
        try:
            got = os.pread(fd, size, off)
        except OSError as e:
            return desc, "failed: %s" % e
        want = bytes(ino.data[off:off + size])
        if got != want:
            return desc, "read %d bytes (md5 %s), model has %d (md5 %s)" % (
                len(got), md5(got), len(want), md5(want))
        return desc, None

    def op_write(self):
        fd = self.rng.choice(list(self.m.fds))
        ino, flags = self.m.fds[fd]
        if not self.writable(flags):
            return "write(%d) skipped: read-only" % fd, None
        data = drawn_bytes(self.rng, self.rng.randrange(1, 5000))
        off = self.rng.randrange(0, len(ino.data) + 3000)
        append = bool(flags & os.O_APPEND)
        desc = "%s(%d, %d bytes, %d)" % ("append" if append else "pwrite", fd, len(data), off)
        try:
            if append:
                n = os.write(fd, data)
            else:
                n = os.pwrite(fd, data, off)
        except OSError as e:
            return desc, "failed: %s" % e
        if n != len(data):
            return desc, "short write: %d" % n
        if append:
            off = len(ino.data)
        if off > len(ino.data):
            ino.data.extend(b"\0" * (off - len(ino.data)))
        ino.data[off:off + len(data)] = data
        return desc, None

    def op_ftruncate(self):
        fd = self.rng.choice(list(self.m.fds))
        ino, flags = self.m.fds[fd]
        if not self.writable(flags):
            return "ftruncate(%d) skipped: read-only" % fd, None
        size = self.rng.randrange(0, len(ino.data) + 2000)
        desc = "ftruncate(%d, %d)" % (fd, size)
        try:
            os.ftruncate(fd, size)
        except OSError as e:
            return desc, "failed: %s" % e
        resize(ino, size)
        return desc, None

    def op_truncate(self):
        name = self.rng.choice(self.names)
        size = self.rng.randrange(0, 6000)
        desc, err, done = self.name_call("truncate(%s, %d)" % (name, size), name,
                                         lambda: os.truncate(self.path(name), size))
        if done:
            resize(self.m.names[name], size)
        return desc, err

    def op_rename(self):
        a, b = self.rng.sample(self.names, 2)
        desc, err, done = self.name_call("rename(%s, %s)" % (a, b), a,
                                         lambda: os.rename(self.path(a), self.path(b)))
        if done:
            self.m.names[b] = self.m.names.pop(a)
        return desc, err

    def op_unlink(self):
        name = self.rng.choice(self.names)
        desc, err, done = self.name_call("unlink(%s)" % name, name,
                                         lambda: os.unlink(self.path(name)))
        if done:
            del self.m.names[name]
        return desc, err

    def op_fsync(self):
        return self.fd_call("fsync", os.fsync, self.rng.choice(list(self.m.fds)))

    def op_stat(self):
        name = self.rng.choice(self.names)
        st = []
        desc, err, done = self.name_call("stat(%s)" % name, name,
                                         lambda: st.append(os.stat(self.path(name))))
        if done and st[0].st_size != len(self.m.names[name].data):
            err = "size %d, model %d" % (st[0].st_size, len(self.m.names[name].data))
        return desc, err

    def step(self):
        ops = [(self.op_open, 3), (self.op_stat, 2), (self.op_truncate, 1),
               (self.op_rename, 1), (self.op_unlink, 1)]
        if self.m.fds:
            ops += [(self.op_close, 2), (self.op_read, 4), (self.op_write, 5),
                    (self.op_ftruncate, 1), (self.op_fsync, 1)]
        if len(self.m.fds) >= self.max_fds:
            ops = [(self.op_close, 1)]
        fns = [f for f, w in ops for _ in range(w)]
        return self.rng.choice(fns)()

    def run(self, nops):
        for i in range(nops):
            desc, err = self.step()
            self.history.append("%d %s" % (i, desc))
            if err:
                return self.fail(i, "%s: %s" % (desc, err))
        for fd in list(self.m.fds):
            os.close(fd)
            del self.m.fds[fd]
        listed = sorted(n for n in os.listdir(self.root) if n in self.names)
        if listed != sorted(self.m.names):
            return self.fail(nops, "ls shows %s, model %s" % (listed, sorted(self.m.names)))
        for name, ino in self.m.names.items():
            with open(self.path(name), "rb") as f:
                got = f.read()
            if got != bytes(ino.data):
                return self.fail(nops, "%s after close: %d bytes, model %d" % (
                    name, len(got), len(ino.data)))
        return True


def resize(ino, size):
    if size < len(ino.data):
        del ino.data[size:]
    else:
        ino.data.extend(b"\0" * (size - len(ino.data)))


def md5(b):
    return hashlib.md5(b).hexdigest()


def flags_str(flags):
    acc = {os.O_RDONLY: "O_RDONLY", os.O_WRONLY: "O_WRONLY", os.O_RDWR: "O_RDWR"}
    out = [acc[flags & os.O_ACCMODE]]
    for bit, name in ((os.O_CREAT, "O_CREAT"), (os.O_TRUNC, "O_TRUNC"),
                      (os.O_APPEND, "O_APPEND")):
        if flags & bit:
            out.append(name)
    return "|".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--ops", type=int, default=2000)
    ap.add_argument("--names", type=int, default=4)
    ap.add_argument("--max-fds", type=int, default=6)
    ap.add_argument("--json")
    a = ap.parse_args()
    r = Run(a.dir, a.seed, a.names, a.max_fds)
    ok = r.run(a.ops)
    if a.json:
        final = {n: {"md5": md5(bytes(i.data)), "size": len(i.data)}
                 for n, i in r.m.names.items()}
        with open(a.json, "w") as f:
            json.dump(final, f, sort_keys=True)
    print("fsmodel: seed %d, %d operations: %s" % (a.seed, a.ops, "agreed" if ok else "DISAGREED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
