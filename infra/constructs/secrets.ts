/**
 * The TikTok app credentials. The stack creates the secret with a placeholder value; the operator
 * stores the real `{"clientKey","clientSecret"}` once after the first deploy (README "Deploy"), so
 * the values never pass through CloudFormation templates or parameters.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  stage: string;
  retainData: boolean;
}

export class Secrets extends Construct {
  readonly tiktokApp: Secret;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    this.tiktokApp = new Secret(this, 'TikTokApp', {
      // No fixed name: a deleted secret keeps its name reserved for the recovery window, so a fixed
      // name would block re-creating a torn-down dev stack. The stack outputs the generated name.
      description: 'TikTok app credentials as JSON {"clientKey": "...", "clientSecret": "..."}; set with aws secretsmanager put-secret-value',
      // A placeholder until the operator sets the real pair: TikTok rejects it, so nothing works half-configured.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ clientKey: 'REPLACE_ME' }),
        generateStringKey: 'clientSecret',
        excludePunctuation: true,
      },
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
