#!/usr/bin/env bash
# Installs what GovChain needs beyond the .NET SDK. Its native libraries come inside NuGet
# packages (RocksDB with the RocksDB package, libsodium with NSec.Cryptography), so nothing is
# installed with apt; with --npm it installs the Node.js packages the interoperability tests drive,
# with --etcd Debian's etcd-server and etcd-client (the load generator's --compare-etcd), with --browser
# Debian's chromium (with apt) and playwright-core for the public page's browser test.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

with_npm=0
with_etcd=0
with_browser=0
for arg in "$@"; do
  case "$arg" in
    --npm) with_npm=1 ;;
    --etcd) with_etcd=1 ;;
    --browser) with_browser=1 ;;
    *) die "unknown option '$arg' (known: --npm, --etcd, --browser)" ;;
  esac
done

command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH; install .NET 10 first"

if [ "$with_npm" -eq 1 ]; then
  js_dir=tests/GovChain.Interop.Tests/js
  if [ -f "$js_dir/package.json" ]; then
    command -v npm >/dev/null || die "npm is not on PATH; the interoperability tests need Node.js and npm"
    # Installs again whenever package.json names a package node_modules lacks (a new test dependency).
    if ! (cd "$js_dir" && node -e 'const fs = require("fs"); const d = require("./package.json").dependencies || {};
        process.exit(Object.keys(d).every(n => fs.existsSync("node_modules/" + n + "/package.json")) ? 0 : 1)'); then
      say "installing npm packages for the interoperability tests ($js_dir)"
      (cd "$js_dir" && npm install --no-audit --no-fund --loglevel=error) || die "npm install in $js_dir failed"
    else
      say "npm packages present in $js_dir"
    fi
  fi
fi

# The load generator's --compare-etcd baseline: Debian's etcd server and client.
if [ "$with_etcd" -eq 1 ]; then
  if command -v etcd >/dev/null && command -v etcdctl >/dev/null; then
    say "etcd and etcdctl present"
  else
    command -v apt-get >/dev/null || die "--etcd installs Debian's etcd-server and etcd-client with apt-get, which is not here"
    say "installing etcd-server and etcd-client (apt-get)"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get install -y -q etcd-server etcd-client >/dev/null \
      || { $sudo_cmd apt-get update -q >/dev/null && $sudo_cmd apt-get install -y -q etcd-server etcd-client >/dev/null; } \
      || die "apt-get install etcd-server etcd-client failed"
  fi
fi

# The public page's browser test drives Debian's chromium with playwright-core (no browser download).
if [ "$with_browser" -eq 1 ]; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the public page's browser test"
    as_root=""
    [ "$(id -u)" -eq 0 ] || as_root="sudo"
    $as_root apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium || die "apt-get install chromium failed"
  else
    say "chromium present"
  fi
  browser_dir=tests/GovChain.Integration.Tests/PublicPage/browser
  command -v npm >/dev/null || die "npm is not on PATH; the browser test needs Node.js and npm"
  if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
    say "installing playwright-core for the browser test ($browser_dir)"
    (cd "$browser_dir" && npm install --no-audit --no-fund --loglevel=error) || die "npm install in $browser_dir failed"
  else
    say "playwright-core present in $browser_dir"
  fi
fi

say "restoring .NET packages"
dotnet restore GovChain.sln --verbosity quiet || die "dotnet restore failed"
say "ready"
