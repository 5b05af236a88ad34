import { Global, Module } from '@nestjs/common';
import { PersistenceModule } from '@platekeeper/persistence';
import { AuditTrail } from './audit/audit-trail.service';
import { JwtVerifier } from './auth/jwt-verifier.service';
import { elasticAvailabilityProvider, readsElasticClientProvider } from './elastic-client.provider';
import { SharingWorldService } from './sharing-world/sharing-world.service';

/** What every feature module of the search service stands on: PostgreSQL, Elasticsearch, the live sharing world, the audit trail. */
@Global()
@Module({
  imports: [
    PersistenceModule.forRoot(),
  ],
  providers: [JwtVerifier, SharingWorldService, AuditTrail, readsElasticClientProvider, elasticAvailabilityProvider],
  exports: [JwtVerifier, SharingWorldService, AuditTrail, readsElasticClientProvider, elasticAvailabilityProvider],
})
export class PlatformModule {}
