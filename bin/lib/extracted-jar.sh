# Sourced by bin/evaluate and bin/sandbox: the product jar extracted once next to itself (class-data sharing needs
# plain jars on the class path) and the JVM options of its class-data-sharing (CDS) archive.
#   carac_extract            sets app_dir and app_jar (CARAC_JAR names another jar; re-extracted when the jar is newer)
#   carac_cds_options NAME   appends to the array jvm: use app_dir/NAME-<vm>.jsa, or record it as this run exits
#                            (CARAC_CDS=off: no archive). A rebuilt jar or another JVM gets a fresh archive.
carac_extract() {
  local here jar
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  jar="${CARAC_JAR:-$here/target/carac-watch.jar}"
  [ -f "$jar" ] || { echo "$(basename "$0"): no $jar (build it: ./mvnw -B -q package -DskipTests)" >&2; exit 2; }
  app_dir="${jar%.jar}-app"
  app_jar="$app_dir/$(basename "$jar")" # extract keeps the jar's own name
  if [ ! -f "$app_jar" ] || [ "$jar" -nt "$app_jar" ]; then
    rm -rf "$app_dir"
    java -Djarmode=tools -jar "$jar" extract --destination "$app_dir" > /dev/null
  fi
}

carac_cds_options() {
  [ "${CARAC_CDS:-on}" = off ] && return 0
  local vm archive
  vm="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.vm.version/ {print $2}' | tr -c 'A-Za-z0-9.\n' '_')"
  archive="$app_dir/$1-$vm.jsa"
  if [ -f "$archive" ]; then
    jvm+=(-XX:SharedArchiveFile="$archive")
  else
    jvm+=(-XX:ArchiveClassesAtExit="$archive") # this run records it
  fi
  jvm+=(-Xlog:cds=off -Xlog:cds+dynamic=off)
}
