import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig, mintDevelopmentToken } from '@platekeeper/config';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../errors/domain-error';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { DevSignInAnswerDto, DevSignInDto, SignInOptionsDto } from './console-session.dto';

/**
 * How the console signs in: with the configured OpenID provider (authorization code + PKCE in the browser; the
 * API verifies the provider's tokens through JWT_JWKS_URL), or, on a developer's machine, with the demo sign-in,
 * which mints the same local tokens as `npm run cli -- mint-token`.
 */
@ApiTags('console')
@Controller('v1/console')
export class ConsoleSessionController {
  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly sharingWorld: SharingWorldService,
  ) {}

  @Get('sign-in-options')
  @Public()
  @ApiOperation({ summary: 'How the console can sign in: the OpenID provider, and the demo sign-in when it is on' })
  @ApiOkResponse({ type: SignInOptionsDto })
  async options(): Promise<SignInOptionsDto> {
    const devSignIn = this.devSignInAvailable();
    const demoAgencies = devSignIn
      ? [...(await this.sharingWorld.current()).agencies.values()]
        .filter((agency) => agency.status === 'active')
        .map((agency) => ({ id: agency.id, name: agency.name, state: agency.state }))
        .sort((left, right) => left.name.localeCompare(right.name))
      : [];
    const { OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_SCOPES, OIDC_BEARER_TOKEN } = this.config;
    const oidc = OIDC_ISSUER_URL && OIDC_CLIENT_ID
      ? { issuer: OIDC_ISSUER_URL, clientId: OIDC_CLIENT_ID, scopes: OIDC_SCOPES, bearerToken: OIDC_BEARER_TOKEN }
      : null;
    return { devSignIn, demoAgencies, oidc };
  }

  @Post('dev-sign-in')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Development only (CONSOLE_DEV_SIGN_IN): a local token for any active agency and roles; 404 when off' })
  @ApiOkResponse({ type: DevSignInAnswerDto })
  @ApiNotFoundResponse({ description: 'the demo sign-in is off (always in production)' })
  async devSignIn(@Body() request: DevSignInDto): Promise<DevSignInAnswerDto> {
    if (!this.devSignInAvailable()) throw new DomainError('CONSOLE.DEV_SIGN_IN_OFF', 'the demo sign-in is off on this server');
    const agency = (await this.sharingWorld.current()).agencies.get(request.agencyId);
    if (agency === undefined || agency.status !== 'active') {
      throw new DomainError('AGENCY.NOT_FOUND', `agency ${request.agencyId} does not exist or is not active`);
    }
    const roles = [...new Set(request.roles)];
    const userId = request.userId ?? `dev-${roles[0]}@${agency.id}`;
    const token = await mintDevelopmentToken(this.config, { agencyId: agency.id, roles, userId });
    return { token, userId, agencyId: agency.id, roles };
  }

  /** Local tokens are signed with JWT_SECRET; with a JWKS verifier they would not be accepted anyway. */
  private devSignInAvailable(): boolean {
    return this.config.CONSOLE_DEV_SIGN_IN && this.config.NODE_ENV !== 'production' && !this.config.JWT_JWKS_URL;
  }
}
