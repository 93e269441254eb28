/** Names of the stack outputs the tenant CLI and the README rely on (no CDK import: the CLI loads fast). */
export const OUTPUTS = {
  apiUrl: 'ApiUrl',
  redirectUri: 'RedirectUri',
  tableName: 'TableName',
  bucketName: 'BucketName',
  tiktokSecretName: 'TikTokSecretName',
  tiktokSecretArn: 'TikTokSecretArn',
  tokenKeyArn: 'TokenKeyArn',
  reportQueueUrl: 'ReportQueueUrl',
  deadLetterQueueUrl: 'ReportDeadLetterQueueUrl',
  alarmTopicArn: 'AlarmTopicArn',
  dashboardName: 'DashboardName',
  lakeBucketName: 'LakeBucketName',
  lakeDatabaseName: 'LakeDatabaseName',
  lakeWorkGroupName: 'LakeWorkGroupName',
  lakeResultsBucketName: 'LakeResultsBucketName',
  lakeAnalystRoleArn: 'LakeAnalystRoleArn',
} as const;

export function stackName(stage: string): string {
  return `TikTokConnector-${stage}`;
}
