import { z } from 'zod';
import { configString } from '@stack/openai-compatible';

const defaultRegion = 'us-east-2';

/**
 * The `config:` block of a `remote::bedrock` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys (the reference's
 * SigV4 settings such as `aws_role_arn`) are tolerated and ignored.
 */
export const bedrockConfigSchema = z.object({
  /** A Bedrock API key (bearer token); may be left empty when callers send `aws_bearer_token_bedrock`. */
  api_key: configString(),
  /**
   * The AWS region of the Bedrock Runtime endpoint. Unset, it is `AWS_DEFAULT_REGION` or
   * `us-east-2`, as in the reference. Only letters, digits and dashes: it becomes a host name.
   */
  region_name: z.preprocess(
    (value) => (value === null || value === undefined || (typeof value === 'string' && value.trim() === '') ? process.env.AWS_DEFAULT_REGION || defaultRegion : value),
    z.string().trim().regex(/^[a-z0-9-]+$/, 'region_name must be an AWS region such as us-east-2'),
  ),
});

export type BedrockConfig = z.output<typeof bedrockConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const bedrockProviderDataSchema = z.looseObject({
  aws_bearer_token_bedrock: z.string().nullish(),
});
