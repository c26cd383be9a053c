#!/usr/bin/env python3
"""How long after an edit a real editor's language server shows and clears LOCK001.

Drives csharp-ls 0.28.0 over stdio, as an LSP client that takes pushed diagnostics
(textDocument/publishDiagnostics) and answers workspace/configuration with
csharp.analyzersEnabled = true. The project is a copy of samples/Warehouse in a temporary
folder that references the LockContracts package packed from this repository (as the README
says a user does), restored into a package folder of its own.

For each round: an edit that fixes the Warehouse's LOCK001 (the reorder request under the
bin's lock is taken out) and the time until the server publishes diagnostics without it; an edit that
brings it back and the time until it is shown again; an unrelated edit (a constant in another
method) and the time until diagnostics are published again with LOCK001 still shown.

Then a cycle closed from another file (CrossFile/Orders.cs and CrossFile/Stock.cs, added to the
copy): with only Stock.cs open, an edit there closes a cycle with Orders.cs; where it is shown,
and, once both are open, how long after edits in Stock.cs it leaves and comes back in Orders.cs.

Usage: python3 bench/Editor.Benchmarks/csharp-ls-latency.py [--rounds 5] [--work DIR] [--keep]
"""

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CSHARP_LS_VERSION = "0.28.0"
REPO = Path(__file__).resolve().parents[2]

# The Warehouse's LOCK001: ReorderLowStock requests a reorder (taking the queue) under a bin's gate;
# Replenisher.Deliver takes a bin's gate under the queue.
CYCLE_LINE = "                    Reorders.Request(sku, this);"
FIXED_LINE = "                    _ = sku; // no reorder request under the bin's gate"
# An edit that does not touch any lock: a constant in a method that takes none.
NEUTRAL_BEFORE = "        var total = 0;"

# Two more files for a cycle closed from another file: Orders takes its gate then the stock's;
# the edit to Stock.Recount takes Orders' gate (through Touch) under the stock's.
ORDERS = """namespace CrossFile;

public sealed class Orders
{
    public readonly object Gate = new();
    private int _shipped;

    public void Ship(Stock stock)
    {
        lock (Gate) { lock (stock.Gate) { _shipped++; } }
    }

    public void Touch()
    {
        lock (Gate) { _shipped--; }
    }
}
"""
STOCK = """namespace CrossFile;

public sealed class Stock
{
    public readonly object Gate = new();
    private int _count;

    public void Recount(Orders orders)
    {
        lock (Gate) { _count = 0; }
        orders.Touch();
    }
}
"""
STOCK_OPEN = "        lock (Gate) { _count = 0; }\n        orders.Touch();"
STOCK_CLOSED = "        lock (Gate) { _count = 0; orders.Touch(); }"


def run(command, cwd, env, check=True):
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(map(str, command))}\n{result.stdout[-4000:]}")
    return result


def prepare(work: Path):
    """Packs the packages, writes the sample project, restores it; returns (project folder, environment)."""
    env = dict(os.environ)
    env["NUGET_PACKAGES"] = str(work / "packages")  # never an older copy of LockContracts 0.1.0 from the global folder
    env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    env["DOTNET_NOLOGO"] = "1"
    feed = work / "feed"
    for package in ("LockContracts.Annotations", "LockContracts"):
        run(["dotnet", "pack", str(REPO / "nuget" / package), "-c", "Release", "-o", str(feed)], REPO, env)

    project = work / "Warehouse"
    (project / "Shared").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "samples" / "Warehouse" / "Inventory.cs", project / "Inventory.cs")
    for shared in (REPO / "samples" / "Shared").glob("*.cs"):
        shutil.copy(shared, project / "Shared" / shared.name)
    (project / "CrossFile").mkdir(exist_ok=True)
    (project / "CrossFile" / "Orders.cs").write_text(ORDERS)
    (project / "CrossFile" / "Stock.cs").write_text(STOCK)
    (project / "Warehouse.csproj").write_text("""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="LockContracts" Version="0.1.0" />
  </ItemGroup>
</Project>
""")
    (project / "nuget.config").write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
    <add key="lockcontracts" value="{feed}" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
    <packageSource key="lockcontracts"><package pattern="LockContracts" /><package pattern="LockContracts.*" /></packageSource>
  </packageSourceMapping>
</configuration>
""")
    run(["dotnet", "restore"], project, env)
    build = run(["dotnet", "build", "--no-restore"], project, env, check=False)
    ids = sorted({line.split(": error ")[1].split(":")[0] for line in build.stdout.splitlines() if ": error LOCK" in line})
    print(f"dotnet build of the copy: exit code {build.returncode}, errors {', '.join(ids) or 'none'} (the sample fails with LOCK001 by design)")
    if "LOCK001" not in ids:
        sys.exit("the build does not report LOCK001: nothing to measure")
    return project, env


def install_csharp_ls(work: Path, env) -> Path:
    tools = work / "tools"
    exe = tools / "csharp-ls"
    if not exe.exists():
        run(["dotnet", "tool", "install", "csharp-ls", "--version", CSHARP_LS_VERSION, "--tool-path", str(tools)], work, env)
    version = run([str(exe), "--version"], work, env, check=False).stdout.strip()
    print(f"csharp-ls: {version}")
    return exe


class Server:
    """A minimal LSP client over the server's stdio: every message the server sends is queued with its arrival time."""

    def __init__(self, exe: Path, cwd: Path, env):
        self.process = subprocess.Popen([str(exe), "--loglevel", "warning"], cwd=cwd, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages = queue.Queue()
        self.next_id = 1
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = json.loads(stream.read(length))
            arrived = time.monotonic()
            if "method" in body and "id" in body:
                self._answer(body)
            self.messages.put((arrived, body))

    def _answer(self, request):
        method = request["method"]
        if method == "workspace/configuration":
            result = [{"analyzersEnabled": True} if item.get("section") == "csharp" else None
                      for item in request["params"]["items"]]
        else:  # client/registerCapability, window/workDoneProgress/create, workspace/diagnostic/refresh, ...
            result = None
        self._write({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _write(self, message):
        data = json.dumps(message).encode()
        with self.lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
            self.process.stdin.flush()

    def notify(self, method, params):
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=120):
        request_id = self.next_id
        self.next_id += 1
        self._write({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            _, message = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            if message.get("id") == request_id and "method" not in message:
                return message.get("result")

    def wait_for_diagnostics(self, uri, condition, timeout):
        """Waits for a publishDiagnostics of uri whose LOCK ids satisfy condition; returns (arrival time, ids) or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                arrived, message = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if message.get("method") != "textDocument/publishDiagnostics" or message["params"]["uri"] != uri:
                continue
            ids = [d.get("code") for d in message["params"]["diagnostics"]]
            ids = sorted(str(i) for i in ids if str(i).startswith("LOCK"))
            if condition(ids):
                return arrived, ids
        return None

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                self.messages.get(timeout=max(0.05, end - time.monotonic()))
            except queue.Empty:
                pass

    def close(self):
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            self.process.wait(timeout=30)
        except Exception:  # the measurement is done; make sure the server is gone
            self.process.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, help="working folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for each diagnostic change")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="lockcontracts-csharp-ls-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        with open("/proc/loadavg") as f:
            print(f"load average at start: {f.read().split()[0]}")
        project, env = prepare(work)
        exe = install_csharp_ls(work, env)
        measure(exe, project, env, args.rounds, args.timeout)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)


def measure(exe, project, env, rounds, timeout):
    source = project / "Inventory.cs"
    original = source.read_text()
    assert original.count(CYCLE_LINE) == 1 and original.count(NEUTRAL_BEFORE) == 1
    uri = source.as_uri()
    server = Server(exe, project, env)
    try:
        started = time.monotonic()
        server.request("initialize", {
            "processId": os.getpid(),
            "rootUri": project.as_uri(),
            "workspaceFolders": [{"uri": project.as_uri(), "name": "Warehouse"}],
            "capabilities": {
                "workspace": {"configuration": True, "workspaceFolders": True,
                              "didChangeConfiguration": {"dynamicRegistration": True}},
                # No textDocument.diagnostic capability: the server pushes diagnostics of open documents.
                "textDocument": {"synchronization": {"dynamicRegistration": False}, "publishDiagnostics": {}},
            },
        }, timeout=timeout)
        server.notify("initialized", {})
        server.notify("workspace/didChangeConfiguration", {"settings": {"csharp": {"analyzersEnabled": True}}})
        version = 1
        opened = time.monotonic()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "csharp", "version": version, "text": original}})
        first = server.wait_for_diagnostics(uri, lambda ids: "LOCK001" in ids, timeout=max(timeout, 300))
        if first is None:
            sys.exit("csharp-ls never showed LOCK001 for the opened document")
        print(f"after didOpen (solution load included): LOCK001 shown after {first[0] - opened:.1f} s "
              f"({first[0] - started:.1f} s after initialize); LOCK ids shown: {', '.join(first[1])}")
        server.drain(3)

        disappear, appear, neutral = [], [], []
        text = original
        for round_ in range(1, rounds + 1):
            for kind, new_text, condition, times in (
                ("fix", text.replace(CYCLE_LINE, FIXED_LINE), lambda ids: "LOCK001" not in ids, disappear),
                ("reintroduce", text, lambda ids: "LOCK001" in ids, appear),
                ("unrelated", text.replace(NEUTRAL_BEFORE, f"        var total = {round_} - {round_};"), lambda ids: "LOCK001" in ids, neutral),
            ):
                version += 1
                sent = time.monotonic()
                server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                         "contentChanges": [{"text": new_text}]})
                seen = server.wait_for_diagnostics(uri, condition, timeout)
                if seen is None:
                    print(f"round {round_}, {kind}: no matching diagnostics within {timeout:.0f} s")
                else:
                    times.append(seen[0] - sent)
                    print(f"round {round_}, {kind}: {seen[0] - sent:.2f} s (LOCK ids {', '.join(seen[1]) or 'none'})")
                server.drain(2)
            # Back to the original text for the next round.
            version += 1
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": original}]})
            server.wait_for_diagnostics(uri, lambda ids: "LOCK001" in ids, timeout)
            server.drain(2)

        def summary(name, times):
            if not times:
                return f"| {name} | never | | | 0/{rounds} |"
            return (f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f} s | {max(times):.2f} s | {len(times)}/{rounds} |")

        print()
        print("| after the edit | median | min | max | rounds where it happened |")
        print("|---|---:|---:|---:|---:|")
        print(summary("fix: LOCK001 disappears", disappear))
        print(summary("reintroduce: LOCK001 appears", appear))
        print(summary("unrelated edit: diagnostics again, LOCK001 still shown", neutral))
        print()
        cross_file(server, project, timeout)
    finally:
        server.close()


def cross_file(server, project, timeout):
    """A cycle closed by an edit in Stock.cs whose other half is in Orders.cs: where does csharp-ls show it?"""
    stock_uri = (project / "CrossFile" / "Stock.cs").as_uri()
    orders_uri = (project / "CrossFile" / "Orders.cs").as_uri()
    assert STOCK.count(STOCK_OPEN) == 1

    def last_published(uri, seconds):
        """The LOCK ids of the last publishDiagnostics for uri within the next few seconds (None: nothing published)."""
        end = time.monotonic() + seconds
        last = None
        while True:
            seen = server.wait_for_diagnostics(uri, lambda ids: True, max(0.1, end - time.monotonic()))
            if seen is None:
                return last
            last = seen[1]

    server.notify("textDocument/didOpen", {"textDocument": {"uri": stock_uri, "languageId": "csharp", "version": 1, "text": STOCK}})
    print(f"cross-file: Stock.cs opened alone: LOCK ids {last_published(stock_uri, 10)}")
    server.notify("textDocument/didChange", {"textDocument": {"uri": stock_uri, "version": 2},
                                             "contentChanges": [{"text": STOCK.replace(STOCK_OPEN, STOCK_CLOSED)}]})
    print(f"cross-file: the edit in Stock.cs closes the cycle, Orders.cs not open: Stock.cs shows {last_published(stock_uri, 10)}")
    opened = time.monotonic()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": orders_uri, "languageId": "csharp", "version": 1, "text": ORDERS}})
    seen = server.wait_for_diagnostics(orders_uri, lambda ids: "LOCK001" in ids, timeout)
    print("cross-file: Orders.cs opened: " + (f"LOCK001 shown after {seen[0] - opened:.2f} s" if seen else f"no LOCK001 within {timeout:.0f} s"))
    server.drain(3)
    for version, text, condition, what in ((3, STOCK, lambda ids: "LOCK001" not in ids, "undone in Stock.cs: LOCK001 leaves Orders.cs"),
                                           (4, STOCK.replace(STOCK_OPEN, STOCK_CLOSED), lambda ids: "LOCK001" in ids, "closed again in Stock.cs: LOCK001 back in Orders.cs")):
        sent = time.monotonic()
        server.notify("textDocument/didChange", {"textDocument": {"uri": stock_uri, "version": version}, "contentChanges": [{"text": text}]})
        seen = server.wait_for_diagnostics(orders_uri, condition, timeout)
        print(f"cross-file: {what}: " + (f"after {seen[0] - sent:.2f} s" if seen else f"not within {timeout:.0f} s"))
        server.drain(3)


if __name__ == "__main__":
    main()
