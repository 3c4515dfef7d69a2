#!/usr/bin/env bash
# Usage: .ci/check-release-tag.sh <tag>. Fails unless the tag is v<package.json version>:
# publish.yml runs it so a tag never publishes a version other than the one package.json names.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: check-release-tag.sh <tag, e.g. v1.2.3>}
version=$(node -p 'require("./package.json").version')
if [ "$tag" != "v$version" ]; then
	echo "::error::tag $tag does not match package.json version $version (expected v$version): not publishing" >&2
	exit 1
fi
grep -q "^## \[\?$version\]\?" CHANGELOG.md || {
	echo "::error::CHANGELOG.md has no entry for $version" >&2
	exit 1
}
echo "tag $tag matches package.json version $version"
