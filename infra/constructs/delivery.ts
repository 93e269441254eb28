/**
 * The delivery bucket (scheduled reports land here) and the bucket that keeps its access logs.
 *
 * S3-managed encryption (SSE-S3) rather than KMS: the objects are report rows, never tokens, and the
 * tenants' downstream readers (BI tools, ETL jobs) then need only s3:GetObject, not a grant on one
 * of our keys. Public access is blocked, TLS is required by bucket policy, and versioning keeps an
 * overwritten or deleted report recoverable until the noncurrent-version expiry.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DeliveryProps {
  retainData: boolean;
  /** Days a delivered report is kept. */
  retentionDays: number;
}

export class Delivery extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const removal = props.retainData
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(Math.max(90, props.retentionDays)) }],
      ...removal,
    });

    this.bucket = new Bucket(this, 'Deliveries', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'deliveries/',
      lifecycleRules: [
        {
          id: 'expire-reports',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        // Export paging parts (shared/exports/model.ts): read back when the export finishes; a
        // finished or abandoned export's parts are not needed after that.
        { id: 'expire-export-parts', prefix: '_parts/', expiration: Duration.days(2), noncurrentVersionExpiration: Duration.days(1) },
      ],
      ...removal,
    });
  }
}
