#!/usr/bin/env bash
# Builds the image's base file tree without any registry: a Java runtime cut with jlink from the build
# machine's JDK (Debian's openjdk-17), the shared libraries it links to (copied from the same Debian system,
# found with ldd), Debian's CA certificates and a non-root user. Jib (-Pimage) lays the application on top of
# this tree on an empty ("scratch") base and writes an OCI tar. Usage: runtime.sh OUTPUT_DIR
set -euo pipefail
out="${1:?usage: runtime.sh OUTPUT_DIR}"
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"
# the modules Spring Boot, Tomcat, HAPI FHIR, the CQL engine and the JDBC drivers use (jdeps on the fat jar
# lists about the same; jdk.crypto.ec for TLS and ES384, jdk.management for Micrometer's process metrics)
jlink --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,java.xml.crypto,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.localedata \
  --include-locales=en,zh --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/opt/java"
# headless: no X11, sound or splash screen (and so none of their libraries below)
rm -f "$out"/opt/java/lib/{libawt_xawt.so,libjawt.so,libsplashscreen.so,libjsound.so}
# Debian's JDK links its trust store to /etc/ssl/certs/java/cacerts: copy the content
if [ -e /etc/ssl/certs/java/cacerts ]; then
  rm -f "$out/opt/java/lib/security/cacerts"
  cp -L /etc/ssl/certs/java/cacerts "$out/opt/java/lib/security/cacerts"
fi
# every shared library the runtime's ELF files need, at the path the dynamic loader looks for it
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
  xargs -0 ldd 2>/dev/null | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    case "$lib" in "$out"*) continue ;; esac
    [ -e "$lib" ] || continue
    mkdir -p "$out$(dirname "$lib")"
    cp -L "$lib" "$out$lib"
  done
# the loader at its canonical path (ldd may print the /usr-merged one)
for loader in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
  if [ -e "$loader" ]; then mkdir -p "$out$(dirname "$loader")"; cp -L "$loader" "$out$loader"; fi
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "runtime tree in $out: $(du -sh "$out" | cut -f1)"
