# Sourced by .ci/run: the E2E run checks the n8n editor in Debian's Chromium when it is there.
# Installing it needs root and Debian's package mirror; without them the editor checks are skipped.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
	echo "Installing Debian's chromium for the editor checks"
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
		echo "Could not install chromium: the E2E editor checks will be skipped"
fi
