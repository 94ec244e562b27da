#!/bin/sh
# What the course needs from Debian/Ubuntu, installed only when missing:
#   dataset-fashion-mnist  the data set (/usr/share/datasets/fashion-mnist); elsewhere it downloads on first use
#   chromium               the browser the widget tests drive (`pytest -m browser`)
#   fonts-wqy-microhei     a CJK font, so the lessons' Chinese shows as text, not boxes
# Runs as root (containers, CI) or as a user with sudo. On other systems it installs nothing and says what to do.
set -eu
need=""
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need="$need dataset-fashion-mnist"
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -d /usr/share/fonts/truetype/wqy ] || need="$need fonts-wqy-microhei"
if [ -z "$need" ]; then
    echo "Debian packages: everything the course needs is installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "not Debian/Ubuntu, nothing installed. Fashion-MNIST downloads on first use (internet needed);"
    echo "for the browser tests install Chromium and a CJK font, then COURSE_CHROMIUM=/path/to/chromium."
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing Debian packages:$need"
$sudo apt-get update -qq
# shellcheck disable=SC2086  # $need is a list of package names
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
