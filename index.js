// The package's main entry: the node and credential classes, built into dist/ (which n8n itself
// loads through package.json's "n8n" section).
const { Flux } = require('./dist/nodes/Flux/Flux.node.js');
const { CometApi } = require('./dist/credentials/CometApi.credentials.js');

module.exports = { Flux, CometApi };
