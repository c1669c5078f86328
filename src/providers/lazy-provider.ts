import type { Provider, ProviderRequest, ProviderResponse } from './provider.js';

/**
 * A provider built on its first call. Vendor SDKs are loaded with `import()` here,
 * so commands that never call a model (`lemming status`) never load them.
 */
export class LazyProvider implements Provider {
  private built?: Promise<Provider>;

  constructor(private readonly build: () => Promise<Provider>) {}

  generate(request: ProviderRequest): Promise<ProviderResponse> {
    this.built ??= this.build();
    // A failed build (a broken install) is tried again on the next call rather than remembered.
    this.built.catch(() => {
      this.built = undefined;
    });
    return this.built.then((provider) => provider.generate(request));
  }
}
