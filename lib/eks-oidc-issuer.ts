import { AwsPartition } from './aws-regions';

/**
 * An EKS cluster's OIDC issuer as `aws eks describe-cluster --query cluster.identity.oidc.issuer` prints it, with or
 * without the `https://` scheme: `oidc.eks.<region>.<domain>/id/<32 upper-case letters and digits>`.
 */
const ISSUER = /^(?:https:\/\/)?(oidc\.eks\.([a-z0-9-]+)\.(amazonaws\.com|amazonaws\.com\.cn)\/id\/([0-9A-Z]{32}))$/;

/** An EKS OIDC issuer, split into the parts IAM and the trust policy need. */
export interface EksOidcIssuer {
  /**
   * Host and path without the scheme, such as `oidc.eks.us-east-1.amazonaws.com/id/<ID>`. IAM names the OIDC
   * provider and prefixes the trust policy's condition keys (`<issuer>:sub`, `<issuer>:aud`) with this form.
   */
  readonly hostAndPath: string;
  /** The region in the issuer's host name; it is the cluster's region. */
  readonly region: string;
  /** `amazonaws.com`, or `amazonaws.com.cn` in the China regions. */
  readonly domain: string;
  /** The provider id after `/id/`. */
  readonly id: string;
}

/** Parses an issuer URL (with or without `https://`), or returns undefined when it is not an EKS OIDC issuer. */
export function parseOidcIssuer(value: string): EksOidcIssuer | undefined {
  const match = ISSUER.exec(value);
  if (!match) {
    return undefined;
  }
  return { hostAndPath: match[1], region: match[2], domain: match[3], id: match[4] };
}

/** The DNS suffix of EKS's OIDC issuers in a partition. */
export function issuerDomainOf(partition: AwsPartition): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The issuer URL, as `aws iam create-open-id-connect-provider --url` takes it. */
export function issuerUrl(issuer: EksOidcIssuer): string {
  return `https://${issuer.hostAndPath}`;
}

/** The ARN of the IAM OIDC identity provider that an account creates for this issuer. */
export function oidcProviderArn(partition: AwsPartition, accountId: string, issuer: EksOidcIssuer): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${issuer.hostAndPath}`;
}
