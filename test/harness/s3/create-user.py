"""Creates an IAM user allowed s3:* on a moto server that does not check auth yet; prints its key as JSON.

Usage: create-user.py ENDPOINT. Run before auth is switched on (POST /moto-api/reset-auth), since
moto only accepts signatures made with keys it has issued.
"""

import json
import sys

import boto3

iam = boto3.client(
    "iam",
    endpoint_url=sys.argv[1],
    region_name="us-east-1",
    aws_access_key_id="setup",
    aws_secret_access_key="setup",
)
iam.create_user(UserName="publisher")
iam.put_user_policy(
    UserName="publisher",
    PolicyName="s3-all",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    ),
)
key = iam.create_access_key(UserName="publisher")["AccessKey"]
print(json.dumps({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}))
