import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import { USER_ROLES, UserRole } from '../auth/authenticated-user';
import { AGENCY_ID_PATTERN } from '../validation/administration-fields';

export class OidcSignInDto {
  @ApiProperty() issuer: string;
  @ApiProperty() clientId: string;
  @ApiProperty() scopes: string;
  @ApiProperty({ enum: ['access_token', 'id_token'] }) bearerToken: string;
}

export class DemoAgencyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() state: string;
}

export class SignInOptionsDto {
  @ApiProperty({ description: 'the demo sign-in (development only) is available' }) devSignIn: boolean;
  @ApiProperty({ type: [DemoAgencyDto], description: 'agencies the demo sign-in offers; empty without it' }) demoAgencies: DemoAgencyDto[];
  @ApiProperty({ type: OidcSignInDto, nullable: true, description: 'the OpenID provider to sign in with, when configured' }) oidc: OidcSignInDto | null;
}

export class DevSignInDto {
  @ApiProperty({ example: 'wa-auburn-pd' })
  @Matches(AGENCY_ID_PATTERN, { message: 'agencyId must be an agency id (lower-case slug)' })
  agencyId: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true, example: ['agency_admin'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(3) @IsIn(USER_ROLES, { each: true })
  roles: UserRole[];

  @ApiPropertyOptional({ example: 'chief@auburn', description: 'the user id the token carries; default dev-<role>@<agency>' })
  @IsOptional() @Matches(/^[A-Za-z0-9._@+-]{1,100}$/, { message: 'userId must be 1–100 letters, digits or . _ @ + -' })
  userId?: string;
}

export class DevSignInAnswerDto {
  @ApiProperty({ description: 'an HS256 bearer token, valid 8 hours' }) token: string;
  @ApiProperty() userId: string;
  @ApiProperty() agencyId: string;
  @ApiProperty({ enum: USER_ROLES, isArray: true }) roles: UserRole[];
}
