/**
 * The HTTP API: every route of THE route table (shared/topology/routes.ts) wired to its function.
 *
 * HTTP API (API Gateway v2) rather than a REST API: its Lambda proxy payload 2.0 is the event the
 * handlers and the local runtime (infra/local) already speak; it is cheaper per request and adds
 * less latency; stage-wide throttling covers our rate limiting. Usage plans and API Gateway API
 * keys exist only on REST APIs, and we do not need them: API keys are our own (hashed in DynamoDB,
 * checked by the handlers' middleware, one GetItem), and per-tenant limits are enforced there.
 */
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type RouteSpec } from '../../shared/topology/routes.ts';
import type { FunctionName } from '../../shared/topology/functions.ts';
import type { Functions } from './functions.ts';
import type { StageConfig } from '../stage-config.ts';

export interface ApiProps {
  config: StageConfig;
  logRetention: RetentionDays;
}

/**
 * Access log line (JSON). The route key, never the raw path or query: the OAuth callback's query
 * carries the authorization code and state, and connect paths carry one-time link ids.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
};

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly domain?: DomainName;
  /** The URL users reach: https://<custom domain> or the execute-api endpoint. No trailing slash. */
  readonly publicBaseUrl: string;
  /** Every API Gateway route with the row of the route table it came from. */
  readonly routes: { spec: RouteSpec; route: HttpRoute }[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `tiktok-connector-${config.stage}`,
      description: 'TikTok connector API v1',
      createDefaultStage: false,
      // With a custom domain, clients use only it.
      disableExecuteApiEndpoint: Boolean(config.domainName),
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    if (config.domainName && config.certificateArn) {
      this.domain = new DomainName(this, 'Domain', {
        domainName: config.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn),
      });
    }
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiThrottleRateLimit, burstLimit: config.apiThrottleBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
      domainMapping: this.domain ? { domainName: this.domain } : undefined,
    });
    this.publicBaseUrl = this.domain ? `https://${config.domainName}` : this.httpApi.apiEndpoint;
    if (this.domain) {
      new CfnOutput(scope, 'ApiDomainTarget', {
        description: `Point ${config.domainName} (CNAME or alias) at this regional API Gateway domain`,
        value: this.domain.regionalDomainName,
      });
    }
  }

  /** One Lambda integration (payload 2.0) per function; one route per row of the route table. */
  addRoutes(functions: Functions): void {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.functionName);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.functionName}-integration`, functions.get(route.functionName).target, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(route.functionName, integration);
      }
      const [created] = this.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      this.routes.push({ spec: route, route: created! });
    }
  }

  /** The CfnStage, for tests and cdk-nag. */
  get cfnStage(): CfnStage {
    return this.stage.node.defaultChild as CfnStage;
  }
}
