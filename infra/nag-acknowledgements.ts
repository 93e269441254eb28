/**
 * cdk-nag (AwsSolutions) findings we accept, each with its reason, in one file so a reviewer sees
 * every exception at once. Each is attached to the narrowest construct it concerns; a new finding
 * anywhere else still fails the synth.
 */
import { Validations } from 'aws-cdk-lib';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { FUNCTIONS } from '../shared/topology/functions.ts';
import type { ConnectorStack } from './stack.ts';

export function acknowledgeFindings(stack: ConnectorStack): void {
  for (const { spec, route } of stack.api.routes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        spec.auth === 'apiKey'
          ? `${spec.method} ${spec.path} is authorized in the function: the Bearer API key is hashed (SHA-256) and resolved to its tenant with one DynamoDB GetItem by the shared middleware, and every item is scoped to that tenant. API Gateway's IAM/JWT authorizers do not fit tenant API keys, and a Lambda authorizer would add a second cold start and the same lookup to every request.`
          : `${spec.method} ${spec.path} is public by design: health and the OpenAPI document carry no data, and the OAuth browser hops (connect link, TikTok callback) are opened by the account owner without an API key; they are protected by one-time values instead (unguessable link id, 10-minute single-use state, PKCE).`,
    });
  }

  Validations.of(stack.secrets.tiktokApp).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The TikTok client secret is issued by TikTok in its developer portal; no API exists to rotate it, so a rotation Lambda cannot do it. It is rotated by hand (new secret in the portal, then aws secretsmanager put-secret-value), as the README describes.',
  });

  const generate = stack.functions.get('report-generate');
  const bucketLogicalId = stack.getLogicalId(stack.delivery.bucket.node.defaultChild as CfnBucket);
  Validations.of(generate.role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
    reason:
      'report-generate writes report objects whose keys are only known at run time (<tenantId>/<scheduleId>/<YYYY>/<MM>/<DD>/<slot>.<ext>), and HEADs the same key first to find a write that a previous try made but did not record; the grants are s3:PutObject and s3:GetObject on objects of the delivery bucket only.',
  });
  // Functions that hand out presigned download URLs (bucket:download): the URL carries the signer's authority.
  for (const spec of FUNCTIONS.filter((f) => (f.uses as readonly string[]).includes('bucket:download'))) {
    Validations.of(stack.functions.get(spec.name).role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
      reason: `${spec.name} presigns GET URLs of delivered files (keys known only at run time: <tenantId>/...); a presigned URL works only with the signer's own s3:GetObject, which is its only S3 grant (no list, no write), on objects of the delivery bucket only.`,
    });
  }

  // The lake's prefix-scoped grants (infra/lake/construct.ts says why).
  stack.lake.acknowledgeFindings(FUNCTIONS.filter((f) => (f.uses as readonly string[]).includes('lake:write')).map((f) => stack.functions.get(f.name).role));
}
