"""The channels a message goes out on, behind one interface (`base.ChannelAdapter`);
`base.adapter_for(channel)` gives the one configured for a channel."""
