/**
 * CDK app: one stack per stage (`-c stage=prod`), AwsSolutions checks from cdk-nag 3 as a
 * validation plugin (every accepted finding is acknowledged with a reason in
 * infra/nag-acknowledgements.ts).
 */
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConnectorStack } from './stack.ts';
import { stackName } from './outputs.ts';
import { readStageConfig } from './stage-config.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const app = new App();
const config = readStageConfig((key) => app.node.tryGetContext(key));

new ConnectorStack(app, stackName(config.stage), {
  config,
  projectRoot,
  description: `TikTok analytics connector (${config.stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
