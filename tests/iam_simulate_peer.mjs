// Test-only bridge to the npm package @cloud-copilot/iam-simulate (AGPL: installed by
// scripts/install-test-peers.sh into .test-peers/node, never shipped, linked or vendored).
// Reads a JSON array of cases on stdin and prints a JSON array of results, one per case:
// {"result": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"} or {"error": "..."}.
//
// It calls the package's core `authorize` (dist/esm/core_engine/CoreSimulatorEngine.js), the
// lower-level entry point that evaluates the request context as given: `runSimulation` validates
// context keys against the action's documented keys and drops kms:EncryptionContext:* ones, which
// these cases depend on; `runUnsafeSimulation` (0.1.173) loads the resource policy without the
// name metadata `authorize` reads, and throws. So this file builds the request as the latter
// does, with a named resource policy.
//
// Case: {policy, rcps: [policy...], principal, action, resource, account, context: {key: [values]}}.
// The caller's identity policy allows everything (the key policy and RCPs decide), as in cmek.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const root = process.env.CMEK_IAM_SIMULATE_DIR;
if (!root) {
  console.error('CMEK_IAM_SIMULATE_DIR is not set (the node_modules/@cloud-copilot/iam-simulate folder)');
  process.exit(3);
}
const esm = (path) => import(pathToFileURL(`${root}/dist/esm/${path}`).href);
const { authorize } = await esm('core_engine/CoreSimulatorEngine.js');
const { AwsRequestImpl } = await esm('request/request.js');
const { RequestContextImpl } = await esm('requestContext.js');
const { DiscoveryContextKeyConstraints } = await esm('context_keys/discoveryContextKeyConstraints.js');
// The policy loader is the package's own dependency, resolved from its folder.
const { createRequire } = await import('node:module');
const requireFromPeer = createRequire(`${root}/package.json`);
const { loadPolicy } = await import(pathToFileURL(requireFromPeer.resolve('@cloud-copilot/iam-policy')).href);

const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
// AWS attaches RCPFullAWSAccess at every level; customer RCPs only add Denies to it.
const rcpFullAccess = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
};

const cases = JSON.parse(readFileSync(0, 'utf8'));
const results = cases.map((c) => {
  try {
    const contextVariables = {};
    for (const [k, v] of Object.entries(c.context)) {
      contextVariables[k] = v.length === 1 && !c.multi_valued.includes(k) ? v[0] : v;
    }
    const named = (policy, name) => loadPolicy(policy, { name });
    const rcps = c.rcps.length
      ? [
          {
            orgIdentifier: 'r-root',
            policies: [named(rcpFullAccess, 'RCPFullAWSAccess'), ...c.rcps.map((p, i) => named(p, `rcp${i}`))],
          },
        ]
      : [];
    const request = new AwsRequestImpl(
      c.principal,
      { resource: c.resource, accountId: c.account },
      c.action,
      new RequestContextImpl(contextVariables),
    );
    const analysis = authorize({
      request,
      sessionPolicy: undefined,
      identityPolicies: [named(allowAll, 'identity')],
      serviceControlPolicies: [],
      resourceControlPolicies: rcps,
      resourcePolicy: named(c.policy, 'key_policy'),
      permissionBoundaries: undefined,
      vpcEndpointPolicies: undefined,
      simulationParameters: {
        simulationMode: 'Strict',
        discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
      },
      serviceSettings: {},
    });
    const result = analysis.result;
    return { result };
  } catch (e) {
    return { error: String(e && e.stack ? e.stack : e) };
  }
});
process.stdout.write(JSON.stringify(results));
