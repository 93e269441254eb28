/**
 * The table and the two customer-managed KMS keys.
 *
 * Two keys, on purpose: the token key wraps the per-token data keys of the token vault and its use
 * is bound to the `{tenantId, datasourceId}` encryption context; the data key encrypts the table
 * (and the alarm topic) at rest, where the AWS services call KMS with their own context. Sharing
 * one key would force the key's grants to allow context-free use, and every function that writes
 * the table would hold GenerateDataKey on the key that protects the tokens.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../shared/store/table.ts';

export interface DataProps {
  retainData: boolean;
}

export class Data extends Construct {
  readonly table: Table;
  /** At-rest encryption of the table and the alarm topic. */
  readonly dataKey: Key;
  /** Envelope encryption of TikTok tokens (token vault); only use with the tenant/datasource context. */
  readonly tokenKey: Key;
  /** Index ARNs by name, so grants name each index instead of `index/*`. */
  readonly indexArns: string[];

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.dataKey = new Key(this, 'DataKey', {
      description: 'TikTok connector: table and alarm topic encryption at rest',
      enableKeyRotation: true,
      pendingWindow: Duration.days(props.retainData ? 30 : 7),
      removalPolicy,
    });
    this.tokenKey = new Key(this, 'TokenKey', {
      description: 'TikTok connector: token vault envelope encryption (context tenantId + datasourceId)',
      enableKeyRotation: true,
      pendingWindow: Duration.days(props.retainData ? 30 : 7),
      removalPolicy,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      deletionProtection: props.retainData,
      removalPolicy,
    });
    for (const gsi of TABLE_KEYS.gsis) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    this.indexArns = TABLE_KEYS.gsis.map((g) => `${this.table.tableArn}/index/${g.indexName}`);
  }
}
