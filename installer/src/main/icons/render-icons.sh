#!/usr/bin/env bash
# Renders hearth.svg into the PNG sizes desktops look for (needs rsvg-convert, Debian package librsvg2-bin).
# The PNGs are committed; run this only after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 24 32 48 64 128 256; do
  mkdir -p "hicolor/${size}x${size}/apps"
  rsvg-convert --width "$size" --height "$size" hearth.svg --output "hicolor/${size}x${size}/apps/hearth.png"
done
