#!/bin/sh
# Screenshots of the demo digest's radar drawn in other shapes (3, 5 and 8
# quadrants, 5 rings): runs `radar demo`, gives a copy of its radar a
# [radar] table (moving entries the way a team would: git mv + the
# quadrant line), adds a few entries to the new slices and rings, renders
# the digest as HTML and screenshots its <svg> with headless Chromium.
#
#   scripts/shape_shots.sh OUT_DIR        # RADAR=path/to/radar to pick the binary
#   SUFFIX=-fixed scripts/shape_shots.sh OUT_DIR   # q3-r5-fixed.png, …
#
# Loopback only (the demo serves its own feeds); needs python3 and chromium.
set -eu
out=${1:?usage: scripts/shape_shots.sh OUT_DIR}
radar=${RADAR:-target/release/radar}
now=2026-11-30T08:00:00Z
chromium=${CHROMIUM:-/usr/bin/chromium}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$radar" --now "$now" demo --keep "$work/demo" >"$work/demo.log"

entry() { # dir quadrant-slug name ring
    mkdir -p "$1/entries/$2"
    slug=$(printf '%s' "$3" | tr 'A-Z ' 'a-z-')
    printf '+++\nname = "%s"\nquadrant = "%s"\nring = "%s"\n+++\n' "$3" "$2" "$4" >"$1/entries/$2/$slug.md"
}

# move_quadrant dir from to: the folder and every `quadrant =` line.
move_quadrant() {
    mkdir -p "$1/entries/$3"
    if [ -d "$1/entries/$2" ]; then
        mv "$1/entries/$2"/*.md "$1/entries/$3/" 2>/dev/null || true
        rmdir "$1/entries/$2"
    fi
    sed -i "s/^quadrant = \"$2\"/quadrant = \"$3\"/" "$1"/entries/"$3"/*.md "$1/stack.toml"
}

suffix=${SUFFIX:-}
shot() { # name
    dir="$work/$1"
    set -- "$1$suffix"
    "$radar" --config "$dir/radar.toml" --now "$now" digest --format html --out "$dir/digest.html"
    python3 - "$dir/digest.html" "$out/$1.html" <<'EOF'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
start = html.index("<svg xmlns")
svg = html[start:html.index("</svg>", start) + len("</svg>")]
open(sys.argv[2], "w", encoding="utf-8").write(
    '<!DOCTYPE html><meta charset="utf-8"><body style="margin:0;background:#fff">'
    '<div style="width:1000px">' + svg + "</div>")
EOF
    "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --window-size=1000,1000 --screenshot="$out/$1.png" "file://$out/$1.html" 2>/dev/null
    echo "$out/$1.png"
}

rings='rings = ["Adopt", "Trial", "Assess", "Hold", "Retire"]'

# Three quadrants: platforms and languages merged into one slice.
cp -r "$work/demo" "$work/q3-r5"
printf '\n[radar]\nquadrants = ["Techniques", "Tools", "Platforms & Languages"]\n%s\n' "$rings" >>"$work/q3-r5/radar.toml"
move_quadrant "$work/q3-r5" platforms platforms-and-languages
move_quadrant "$work/q3-r5" languages-and-frameworks platforms-and-languages
entry "$work/q3-r5" tools "Jenkins" retire
entry "$work/q3-r5" techniques "Pair programming" trial
entry "$work/q3-r5" platforms-and-languages "CoffeeScript" retire
shot q3-r5

# Five quadrants: the four plus Data & AI.
cp -r "$work/demo" "$work/q5-r5"
printf '\n[radar]\nquadrants = ["Techniques", "Tools", "Platforms", "Languages & Frameworks", "Data & AI"]\n%s\n' "$rings" >>"$work/q5-r5/radar.toml"
entry "$work/q5-r5" data-and-ai "Apache Spark" adopt
entry "$work/q5-r5" data-and-ai "dbt" trial
entry "$work/q5-r5" data-and-ai "DuckDB" assess
entry "$work/q5-r5" data-and-ai "Hadoop" retire
entry "$work/q5-r5" tools "Jenkins" retire
shot q5-r5

# Eight quadrants.
cp -r "$work/demo" "$work/q8-r5"
printf '\n[radar]\nquadrants = ["Techniques", "Tools", "Platforms", "Languages & Frameworks", "Data & AI", "Observability", "Security", "Mobile"]\n%s\n' "$rings" >>"$work/q8-r5/radar.toml"
entry "$work/q8-r5" data-and-ai "Apache Spark" adopt
entry "$work/q8-r5" data-and-ai "Hadoop" retire
entry "$work/q8-r5" observability "OpenTelemetry" adopt
entry "$work/q8-r5" observability "Grafana Tempo" assess
entry "$work/q8-r5" security "Sigstore" trial
entry "$work/q8-r5" security "Trivy" adopt
entry "$work/q8-r5" mobile "Kotlin Multiplatform" assess
entry "$work/q8-r5" mobile "Cordova" hold
entry "$work/q8-r5" tools "Jenkins" retire
shot q8-r5

# Eight quadrants, six rings: the narrowest rings.
cp -r "$work/demo" "$work/q8-r6"
printf '\n[radar]\nquadrants = ["Techniques", "Tools", "Platforms", "Languages & Frameworks", "Data & AI", "Observability", "Security", "Mobile"]\n%s\n' \
    'rings = ["Adopt", "Trial", "Assess", "Hold", "Retire", "Deprecated"]' >>"$work/q8-r6/radar.toml"
entry "$work/q8-r6" data-and-ai "Apache Spark" adopt
entry "$work/q8-r6" data-and-ai "Hadoop" deprecated
entry "$work/q8-r6" observability "OpenTelemetry" adopt
entry "$work/q8-r6" security "Trivy" retire
entry "$work/q8-r6" mobile "Cordova" deprecated
entry "$work/q8-r6" tools "Jenkins" retire
shot q8-r6
