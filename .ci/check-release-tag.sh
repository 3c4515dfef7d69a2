#!/usr/bin/env bash
# Usage: .ci/check-release-tag.sh <tag> [changelog]. Fails unless the tag is v<package.json version>
# and the changelog (CHANGELOG.md) has a released entry for it: publish.yml runs it so a tag never
# publishes a version other than the one package.json names, nor one still marked unreleased.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: check-release-tag.sh <tag, e.g. v1.2.3> [changelog]}
changelog=${2:-CHANGELOG.md}
version=$(node -p 'require("./package.json").version')
if [ "$tag" != "v$version" ]; then
	echo "::error::tag $tag does not match package.json version $version (expected v$version): not publishing" >&2
	exit 1
fi
entry=$(grep -m1 "^## \[\?${version//./\\.}\]\?\( \|$\)" "$changelog") || {
	echo "::error::$changelog has no entry for $version" >&2
	exit 1
}
if grep -qi 'unreleased' <<<"$entry"; then
	echo "::error::$changelog's entry for $version still says \"unreleased\": give it the release date" >&2
	exit 1
fi
echo "tag $tag matches package.json version $version"
