/**
 * AWS partitions that EKS, Secrets Manager and IAM roles for service accounts run in.
 */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * Regions that are generally available, by partition. A region that AWS opens after this list was written is refused
 * until it is added here: refusing an unknown name is what catches a typo such as `us-east1` before a pod fails to
 * mount its secrets.
 */
const REGIONS_BY_PARTITION: Record<AwsPartition, readonly string[]> = {
  'aws': [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

/** Every region this project accepts, in alphabetical order. */
export const AWS_REGIONS: readonly string[] = Object.values(REGIONS_BY_PARTITION).flat().sort();

/** Whether `region` is one of {@link AWS_REGIONS}. */
export function isAwsRegion(region: string): boolean {
  return AWS_REGIONS.includes(region);
}

/**
 * The partition a region belongs to; it is the second field of every ARN in that region.
 *
 * @throws when the region is not one of {@link AWS_REGIONS}
 */
export function partitionOf(region: string): AwsPartition {
  for (const [partition, regions] of Object.entries(REGIONS_BY_PARTITION)) {
    if (regions.includes(region)) {
      return partition as AwsPartition;
    }
  }
  throw new Error(`unknown AWS region "${region}"`);
}
