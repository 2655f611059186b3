// The Azure Bot resource, signed in as the app's user-assigned managed identity (no app secret), with Teams.
param tags object
param name string
@description('Client id of the user-assigned identity: the bot id, webApplicationInfo.id and the Graph identity')
param botAppId string
@description('Resource id of that identity')
param identityId string
@description('Home tenant of that identity (the deployment tenant)')
param identityTenantId string
param endpointHost string
@allowed(['F0', 'S1'])
param sku string = 'F0'

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: sku }
  properties: {
    displayName: 'WeGrow'
    endpoint: 'https://${endpointHost}/api/messages'
    msaAppId: botAppId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identityId
    msaAppTenantId: identityTenantId
    disableLocalAuth: true
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

// WeGrow answers Teams only (shared/adapters/teams/auth.py refuses any other channelId with 403). Azure Bot
// adds Web Chat (and its test page) to every bot; both browser channels are declared here with their one site
// disabled, so no Web Chat or Direct Line client can reach the endpoint at all.
resource webChat 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'WebChatChannel'
  location: 'global'
  properties: {
    channelName: 'WebChatChannel'
    properties: {
      sites: [
        { siteName: 'Default Site', isEnabled: false, isWebchatPreviewEnabled: false }
      ]
    }
  }
}

resource directLine 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        { siteName: 'Default Site', isEnabled: false, isV1Enabled: false, isV3Enabled: false }
      ]
    }
  }
}

output name string = bot.name
